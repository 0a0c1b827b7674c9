package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A body with two top-level "model" (or "stream") keys never reaches an upstream: the parsers would disagree. */
class DuplicateKeyEndToEndTest {
    final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    @Test
    void duplicateModelOrStreamKey_answers400InvalidJsonNamingTheKey_andNothingIsForwarded() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("ok"));
        ProxyFixture p = closer.proxy("""
                listen: "127.0.0.1:0"
                proxy_api_key: "sk-proxy-dup-test-0123456789"
                backends:
                  - name: a
                    url: "${A}"
                models:
                  "cheap":
                    routes:
                      - backend: a
                        model: "cheap-upstream"
                logging:
                  level: error
                """, Map.of("A", up.url()), Clock.systemUTC());
        String auth = "Bearer sk-proxy-dup-test-0123456789";

        HttpResponse<String> model = p.post("/v1/chat/completions",
                "{\"model\":\"cheap\",\"messages\":[],\"model\":\"gpt-4-expensive\"}", "Authorization", auth);
        HttpResponse<String> stream = p.post("/v1/chat/completions",
                "{\"model\":\"cheap\",\"stream\":false,\"str\\u0065am\":true}", "Authorization", auth);

        assertEquals(400, model.statusCode(), model.body());
        assertTrue(model.body().contains("\"code\":\"invalid_json\""), model.body());
        assertTrue(model.body().contains("duplicate key \\\"model\\\""), model.body());
        assertEquals(400, stream.statusCode(), stream.body());
        assertTrue(stream.body().contains("duplicate key \\\"stream\\\""), stream.body());
        assertEquals(0, up.count());
        assertEquals(200, p.post("/v1/chat/completions", "{\"model\":\"cheap\"}", "Authorization", auth).statusCode());
    }
}
