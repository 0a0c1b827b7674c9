package llmproxy.hardening;

import llmproxy.testkit.MockUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A body within max_body_mb but larger than the heap is refused with a 413; the proxy keeps serving. */
class HeapLimitTest {
    static MockUpstream upstream;
    static ProxyProcess proxy;

    @BeforeAll
    static void start() throws IOException {
        upstream = MockUpstream.start(Upstreams.chat());
        proxy = ProxyProcess.start("""
                listen: "127.0.0.1:${PORT}"
                proxy_api_key: "%s"
                backends:
                  - name: up
                    url: "%s/v1"
                models:
                  "gpt":
                    routes:
                      - backend: up
                        model: "m"
                server:
                  max_body_mb: 200
                logging:
                  level: warn
                """.formatted(RawHttp.PROXY_KEY, upstream.url()), "-Xmx32m");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void bodyLargerThanTheHeapGets413BeforeItIsSentAndTheNextRequestIsServed() throws IOException {
        long size = 80L << 20; // within max_body_mb (200), far beyond -Xmx32m
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(5))) {
            s.getOutputStream().write(RawHttp.request("POST", "/v1/chat/completions", null, List.of(
                    "Authorization: Bearer " + RawHttp.PROXY_KEY, "Content-Length: " + size)));
            s.getOutputStream().flush();
            String head = ClientAttacksTest.readHead(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 413"), head);
        }
        assertEquals(0, upstream.count());

        RawHttp.Response next = RawHttp.send(proxy.port(), RawHttp.chat("gpt", false), Duration.ofSeconds(5));
        assertEquals(200, next.status(), next.all());
    }
}
