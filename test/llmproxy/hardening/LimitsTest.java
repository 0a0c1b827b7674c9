package llmproxy.hardening;

import llmproxy.testkit.MockUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running jar with tight limits (max_body_mb 1, max_concurrent 2) and a 48 MiB heap: oversized
 * bodies are refused, excess load is shed with 503 instead of queued, and large responses stream
 * through without being held.
 */
class LimitsTest {
    static final long LARGE = 256L << 20;

    static MockUpstream fast;
    static MockUpstream slow;
    static MockUpstream large;
    static ProxyProcess proxy;

    @BeforeAll
    static void start() throws IOException {
        fast = MockUpstream.start(Upstreams.chat());
        slow = MockUpstream.start(MockUpstream.delayed(1_500, Upstreams.chat()));
        large = MockUpstream.start(Upstreams.large(LARGE));
        proxy = ProxyProcess.start("""
                listen: "127.0.0.1:${PORT}"
                proxy_api_key: "%s"
                backends:
                  - name: fast
                    url: "%s/v1"
                  - name: slow
                    url: "%s/v1"
                  - name: large
                    url: "%s/v1"
                models:
                  "gpt":
                    routes:
                      - backend: fast
                        model: "m"
                  "slow":
                    routes:
                      - backend: slow
                        model: "m"
                  "large":
                    routes:
                      - backend: large
                        model: "m"
                timeouts:
                  connect_seconds: 2
                  response_header_seconds: 5
                  stream_idle_seconds: 2
                server:
                  max_body_mb: 1
                  max_concurrent: 2
                logging:
                  level: warn
                """.formatted(RawHttp.PROXY_KEY, fast.url(), slow.url(), large.url()), "-Xmx48m");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (MockUpstream m : new MockUpstream[] {fast, slow, large}) {
            if (m != null) {
                m.close();
            }
        }
    }

    @Test
    void chunkedBodyOverMaxBodyMbGets413WithoutReachingTheUpstream() throws IOException {
        int before = fast.count();
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(5))) {
            OutputStream out = s.getOutputStream();
            out.write(RawHttp.request("POST", "/v1/chat/completions", null, List.of(
                    "Authorization: Bearer " + RawHttp.PROXY_KEY, "Transfer-Encoding: chunked")));
            out.write("16\r\n{\"model\":\"gpt\",\"pad\":\"\r\n".getBytes(StandardCharsets.UTF_8));
            byte[] chunk = ("10000\r\n" + "a".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.UTF_8);
            // Up to 2.5 MiB, over the 1 MiB limit; stop as soon as the answer shows up, as a careful client
            // does, since writing on after the proxy closed would reset the connection under the answer.
            InputStream in = s.getInputStream();
            for (int i = 0; i < 40 && in.available() == 0; i++) {
                out.write(chunk);
                out.flush();
                ProxyProcess.sleep(30);
            }
            // The answer is complete at once; the connection lingers until the unread rest times out.
            String head = ClientAttacksTest.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 413"), head);
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), head);
            assertTrue(body.contains("request_too_large"), body);
        }
        assertEquals(before, fast.count());
    }

    @Test
    void bodyJustUnderMaxBodyMbIsServed() throws IOException {
        String body = "{\"model\":\"gpt\",\"pad\":\"" + "a".repeat((1 << 20) - 100) + "\"}";
        RawHttp.Response r = RawHttp.send(proxy.port(), RawHttp.post("/v1/chat/completions", body),
                Duration.ofSeconds(5));
        assertEquals(200, r.status(), r.all());
        assertEquals(body.replace("\"gpt\"", "\"m\""), fast.last().bodyText());
    }

    @Test
    void requestsOverMaxConcurrentGet503WithRetryAfterInsteadOfQueueing() throws Exception {
        int before = slow.count();
        List<RawHttp.Response> answers = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RawHttp.Response>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(pool.submit(() -> RawHttp.send(proxy.port(), RawHttp.chat("slow", false),
                        Duration.ofSeconds(10))));
            }
            // Both slots taken: the slow upstream (1.5 s per answer) holds two requests.
            assertTrue(ProxyProcess.await(Duration.ofSeconds(5), () -> slow.count() >= before + 2),
                    "two requests never reached the slow upstream");
            RawHttp.Response health = RawHttp.send(proxy.port(), RawHttp.get("/health"), Duration.ofSeconds(2));
            assertEquals(200, health.status(), "health checks must not count against max_concurrent");
            for (Future<RawHttp.Response> f : futures) {
                answers.add(f.get());
            }
        }
        long ok = answers.stream().filter(r -> r.status() == 200).count();
        List<RawHttp.Response> shed = answers.stream().filter(r -> r.status() == 503).toList();
        assertEquals(5, ok + shed.size(), answers.toString());
        assertTrue(ok >= 2, "the first two must be served: " + answers);
        assertTrue(shed.size() >= 1, "nothing was shed: " + answers);
        for (RawHttp.Response r : shed) {
            assertEquals("1", r.header("retry-after"), r.all());
            assertTrue(r.isJson(), r.all());
        }
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 3_500, "requests were queued, not shed");
        assertEquals(200, RawHttp.send(proxy.port(), RawHttp.chat("gpt", false), Duration.ofSeconds(5)).status());
    }

    @Test
    void responseMuchLargerThanTheHeapStreamsThrough() throws IOException {
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(20))) {
            s.getOutputStream().write(RawHttp.chat("large", false));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            String head = ClientAttacksTest.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) != -1) {
                total += n;
            }
            // Chunk framing adds a few bytes per chunk; the payload itself is LARGE bytes.
            assertTrue(total >= LARGE, "got only " + total + " of " + LARGE + " bytes");
        }
        assertTrue(proxy.process().isAlive(), "proxy died relaying 256 MiB with a 48 MiB heap:\n" + proxy.log());
        assertEquals(200, RawHttp.send(proxy.port(), RawHttp.chat("gpt", false), Duration.ofSeconds(5)).status());
    }
}
