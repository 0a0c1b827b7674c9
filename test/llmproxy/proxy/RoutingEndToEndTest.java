package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Load balancing, L2 alias fallback, max_retries and the three enabled switches, end to end. */
class RoutingEndToEndTest {
    static final String CONFIG = """
            listen: "127.0.0.1:0"
            backends:
              - name: a
                url: "${A}"
              - name: b
                url: "${B}"
              - name: c
                url: "${C}"
              - name: off
                url: "${C}"
                enabled: false
            models:
              "balanced":
                routes:
                  - backend: a
                    model: "m"
                    priority: 1
                  - backend: b
                    model: "m"
                    priority: 1
              "primary":
                routes:
                  - backend: off
                    model: "never"
                  - backend: c
                    model: "disabled-route"
                    enabled: false
                  - backend: a
                    model: "primary-a"
                    priority: 1
              "secondary":
                routes:
                  - backend: b
                    model: "secondary-b"
              "hidden":
                enabled: false
                routes:
                  - backend: c
                    model: "hidden-c"
            fallback:
              max_retries: %d
              alias_fallback:
                "primary": ["hidden", "secondary"]
            logging:
              level: error
            """;

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    MockUpstream upstream(MockUpstream.Script script) throws IOException {
        return closer.upstream(script);
    }

    ProxyFixture proxy(int maxRetries, MockUpstream a, MockUpstream b, MockUpstream c) {
        return closer.proxy(CONFIG.formatted(maxRetries), Map.of("A", a.url(), "B", b.url(), "C", c.url()),
                new TestClock(1_700_000_000_000L));
    }

    @Test
    void equalPrioritiesShareTheLoad() throws Exception {
        MockUpstream a = upstream(MockUpstream.chatOk("a"));
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(0, a, b, upstream(MockUpstream.chatOk("c")));

        for (int i = 0; i < 200; i++) {
            assertEquals(200, p.post("/v1/chat/completions", "{\"model\":\"balanced\"}").statusCode());
        }

        assertEquals(200, a.count() + b.count());
        assertTrue(a.count() > 60 && b.count() > 60, "a=" + a.count() + " b=" + b.count());
    }

    @Test
    void failedAliasFallsBackToTheNextAliasSkippingDisabledOnes() throws Exception {
        MockUpstream a = upstream(MockUpstream.json(500, "{}"));
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        MockUpstream c = upstream(MockUpstream.chatOk("c"));
        ProxyFixture p = proxy(0, a, b, c);

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"primary\",\"n\":1}");

        assertEquals(200, r.statusCode());
        assertEquals(1, a.count());
        assertEquals("{\"model\":\"primary-a\",\"n\":1}", a.last().bodyText());
        assertEquals("{\"model\":\"secondary-b\",\"n\":1}", b.last().bodyText());
        assertEquals(0, c.count(), "a disabled backend, route or alias was contacted");
    }

    @Test
    void maxRetriesCapsTheAttempts() throws Exception {
        MockUpstream a = upstream(MockUpstream.json(500, "{\"e\":\"a\"}"));
        MockUpstream b = upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(1, a, b, upstream(MockUpstream.chatOk("c")));

        HttpResponse<String> r = p.post("/v1/chat/completions", "{\"model\":\"primary\"}");

        assertEquals(500, r.statusCode());
        assertEquals("{\"e\":\"a\"}", r.body());
        assertEquals(0, b.count());
    }

    @Test
    void disabledAliasIsNotListedAndNotServed() throws Exception {
        ProxyFixture p = proxy(0, upstream(MockUpstream.chatOk("a")), upstream(MockUpstream.chatOk("b")),
                upstream(MockUpstream.chatOk("c")));

        assertEquals(404, p.post("/v1/chat/completions", "{\"model\":\"hidden\"}").statusCode());
        String models = p.get("/v1/models").body();
        assertTrue(models.contains("\"primary\"") && !models.contains("\"hidden\""), models);
    }
}
