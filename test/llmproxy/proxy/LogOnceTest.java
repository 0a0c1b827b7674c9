package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 11: one event is one line; a failed request does not repeat its failure text. */
class LogOnceTest {
    static final String CONFIG = """
            listen: "127.0.0.1:0"
            proxy_api_key: "sk-proxy-client-key-0123456789"
            backends:
              - name: a
                url: "${A}"
              - name: b
                url: "${B}"
            models:
              "gpt":
                routes:
                  - backend: a
                    model: "up-a"
                    priority: 1
                  - backend: b
                    model: "up-b"
                    priority: 2
            logging:
              level: info
            """;
    static final String[] AUTH = {"Authorization", "Bearer sk-proxy-client-key-0123456789"};

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    /** The log once {@code needle} is in it: the summary line is written after the client got its answer. */
    static String awaitLog(ProxyFixture p, String needle) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        String log = p.logOutput();
        while (!log.contains(needle) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            log = p.logOutput();
        }
        return log;
    }

    static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void failedRequest_saysEachAttemptOnce_andHowItEndedOnce() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.json(500, "{\"error\":\"boom-from-a\"}"));
        MockUpstream b = closer.upstream(MockUpstream.json(503, "{\"error\":\"boom-from-b\"}"));
        ProxyFixture p = closer.proxy(CONFIG, Map.of("A", a.url(), "B", b.url()), new TestClock(1_700_000_000_000L));

        assertEquals(503, p.post("/v1/chat/completions", "{\"model\":\"gpt\"}", AUTH).statusCode());

        String log = awaitLog(p, "all backends failed");
        assertEquals(1, count(log, "attempt failed: backend=a"), log);
        assertEquals(1, count(log, "attempt failed: backend=b"), log);
        assertEquals(1, count(log, "all backends failed for model=gpt after 2 attempt(s)"), log);
        assertEquals(1, count(log, "status 500"), "a's failure said more than once: " + log);
        assertEquals(0, count(log, "request rejected"), log);
        assertEquals(0, count(log, "request r"), "no request block at INFO: " + log);
    }

    @Test
    void clientError_isOneInfoLine() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        ProxyFixture p = closer.proxy(CONFIG, Map.of("A", a.url(), "B", a.url()), new TestClock(1_700_000_000_000L));

        assertEquals(400, p.post("/v1/chat/completions", "{\"model\":", AUTH).statusCode());

        String log = awaitLog(p, "invalid_json");
        assertEquals(1, count(log, "invalid_json"), log);
        assertEquals(1, count(log, "[INFO]") - count(log, "backend a:") - count(log, "backend b:"), log);
        assertEquals(0, count(log, "[WARN]"), log);
    }
}
