package llmproxy.hardening;

import llmproxy.testkit.MockUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running jar (default body limit, read timeout 2 s, idle timeout 1 s, a proxy key) against
 * clients that send garbage, cheat on paths, dribble bytes or hang up at the worst moment.
 */
class ClientAttacksTest {
    static final String BACKEND_KEY = "sk-backend-secret-for-attacks-9e0b";
    static final String PATH = "/v1/chat/completions";

    static MockUpstream upstream;
    static MockUpstream slow;
    static MockUpstream stream;
    static ProxyProcess proxy;

    @BeforeAll
    static void start() throws IOException {
        upstream = MockUpstream.start(Upstreams.chat());
        slow = MockUpstream.start(MockUpstream.delayed(3_000, Upstreams.chat()));
        stream = MockUpstream.start(Upstreams.sse(40, 50));
        proxy = ProxyProcess.start("""
                listen: "127.0.0.1:${PORT}"
                proxy_api_key: "%s"
                backends:
                  - name: fast
                    url: "%s/v1"
                    api_key: "%s"
                  - name: slow
                    url: "%s/v1"
                    api_key: "%s"
                  - name: stream
                    url: "%s/v1"
                    api_key: "%s"
                models:
                  "gpt":
                    routes:
                      - backend: fast
                        model: "upstream-model"
                  "slow":
                    routes:
                      - backend: slow
                        model: "upstream-model"
                  "stream":
                    routes:
                      - backend: stream
                        model: "upstream-model"
                timeouts:
                  connect_seconds: 2
                  response_header_seconds: 5
                  stream_idle_seconds: 2
                server:
                  read_timeout_seconds: 2
                  idle_timeout_seconds: 1
                logging:
                  level: warn
                """.formatted(RawHttp.PROXY_KEY, upstream.url(), BACKEND_KEY, slow.url(), BACKEND_KEY,
                stream.url(), BACKEND_KEY));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (MockUpstream m : new MockUpstream[] {upstream, slow, stream}) {
            if (m != null) {
                m.close();
            }
        }
    }

    static RawHttp.Response send(byte[] request) throws IOException {
        RawHttp.Response r = RawHttp.send(proxy.port(), request, Duration.ofSeconds(10));
        assertNoSecret(r);
        return r;
    }

    static void assertNoSecret(RawHttp.Response r) {
        assertFalse(r.all().contains(RawHttp.PROXY_KEY), "proxy key in response: " + r.all());
        assertFalse(r.all().contains(BACKEND_KEY), "backend key in response: " + r.all());
    }

    static byte[] withKey(String method, String path, byte[] body, String... headers) {
        List<String> h = new ArrayList<>(List.of("Authorization: Bearer " + RawHttp.PROXY_KEY));
        h.addAll(List.of(headers));
        return RawHttp.request(method, path, body, h);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> malformedRequests() {
        byte[] badUtf8 = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', 'g', (byte) 0xff, (byte) 0xfe, '"', '}'};
        return Stream.of(
                Arguments.of("invalid JSON", withKey("POST", PATH, utf8("{\"model\": gpt")), 400),
                Arguments.of("JSON array", withKey("POST", PATH, utf8("[{\"model\":\"gpt\"}]")), 400),
                Arguments.of("JSON string", withKey("POST", PATH, utf8("\"gpt\"")), 400),
                Arguments.of("model is a number", withKey("POST", PATH, utf8("{\"model\":5}")), 400),
                Arguments.of("model missing", withKey("POST", PATH, utf8("{\"messages\":[]}")), 400),
                Arguments.of("empty body", withKey("POST", PATH, new byte[0]), 400),
                Arguments.of("no body at all", withKey("POST", PATH, null), 400),
                Arguments.of("bad UTF-8 in a string", withKey("POST", PATH, badUtf8), 400),
                Arguments.of("truncated JSON", withKey("POST", PATH, utf8("{\"model\":\"gpt\",\"messages\":[")), 400),
                Arguments.of("unknown model", withKey("POST", PATH, utf8("{\"model\":\"nope\"}")), 404),
                Arguments.of("unknown path", withKey("POST", "/v2/whatever", utf8("{\"model\":\"gpt\"}")), 404),
                Arguments.of("unknown bare path", withKey("GET", "/admin", null), 404),
                Arguments.of("DELETE on a proxied path", withKey("DELETE", PATH, null), 405),
                Arguments.of("GET on a proxied path", withKey("GET", PATH, null), 405),
                Arguments.of("POST to /health", withKey("POST", "/health", utf8("{}")), 405));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("malformedRequests")
    void malformedRequestGetsAClear4xxJsonErrorWithoutReachingTheUpstream(String name, byte[] request, int status)
            throws IOException {
        int before = upstream.count();
        RawHttp.Response r = send(request);
        assertEquals(status, r.status(), name + ": " + r.all());
        assertTrue(r.isJson(), name + ": " + r.all());
        assertTrue(r.text().contains("\"error\""), name + ": " + r.all());
        assertNotNull(r.header("x-request-id"), r.all());
        assertEquals(before, upstream.count(), name + " reached the upstream");
    }

    @Test
    void chunkedRequestBodyIsServed() throws IOException {
        byte[] head = withKey("POST", PATH, null, "Transfer-Encoding: chunked", "Content-Type: application/json");
        String chunks = "6\r\n{\"mode\r\n9\r\nl\":\"gpt\"}\r\n0\r\n\r\n";
        RawHttp.Response r = send(concat(head, utf8(chunks)));
        assertEquals(200, r.status(), r.all());
        assertEquals(Upstreams.CHAT_BODY, r.text());
        assertEquals("{\"model\":\"upstream-model\"}", upstream.last().bodyText());
    }

    @Test
    void jsonBodyWithoutOrWithWrongContentTypeIsServed() throws IOException {
        RawHttp.Response none = send(withKey("POST", PATH, utf8("{\"model\":\"gpt\"}")));
        assertEquals(200, none.status(), none.all());
        RawHttp.Response text = send(withKey("POST", PATH, utf8("{\"model\":\"gpt\"}"), "Content-Type: text/plain"));
        assertEquals(200, text.status(), text.all());
        assertEquals(Upstreams.CHAT_BODY, text.text());
    }

    @Test
    void expectContinueGets100ThenTheAnswer() throws IOException {
        byte[] body = utf8("{\"model\":\"gpt\"}");
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(5))) {
            OutputStream out = s.getOutputStream();
            byte[] full = withKey("POST", PATH, body, "Expect: 100-continue", "Content-Type: application/json");
            out.write(full, 0, full.length - body.length);
            out.flush();
            String interim = readHead(s.getInputStream());
            assertTrue(interim.startsWith("HTTP/1.1 100"), "no 100 Continue before the body was sent: " + interim);
            out.write(body);
            out.flush();
            RawHttp.Response r = RawHttp.read(s.getInputStream(), Duration.ofSeconds(5));
            assertEquals(200, r.status(), r.all());
            assertEquals(Upstreams.CHAT_BODY, r.text());
        }
    }

    static Stream<String> trickPaths() {
        return Stream.of("//v1/chat/completions", "/v1//chat/completions", "/v1/../v1/chat/completions",
                "/v1/./chat/completions", "/%761/chat/completions", "/v1/chat%2Fcompletions", "/V1/chat/completions",
                "/v1/Chat/Completions", "/v1/chat/completions/../../health", "/health/../v1/models",
                "/health/../v1/chat/completions", "/v1/models%2f..", "/v1/models/%2e%2e", "/v1/models/..",
                "/%2e%2e/v1/models", "/health%2f../v1/models");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trickPaths")
    void pathTricksNeitherBypassAuthNorReachTheUpstream(String path) throws IOException {
        int before = upstream.count();
        byte[] body = utf8("{\"model\":\"gpt\"}");
        for (String method : List.of("GET", "HEAD", "POST")) {
            byte[] payload = method.equals("POST") ? body : null;
            RawHttp.Response anonymous = send(RawHttp.request(method, path, payload, List.of()));
            assertEquals(401, anonymous.status(), method + " " + path + " without a key: " + anonymous.all());
            RawHttp.Response wrong = send(RawHttp.request(method, path, payload,
                    List.of("Authorization: Bearer " + RawHttp.PROXY_KEY + "x", "x-api-key: wrong")));
            assertEquals(401, wrong.status(), method + " " + path + " with a wrong key: " + wrong.all());
        }
        assertEquals(before, upstream.count(), path + " reached the upstream without the key");
        // With the key, a trick path is whatever its raw form is (usually 404), never an internal error.
        RawHttp.Response keyed = send(withKey("POST", path, body));
        assertTrue(keyed.status() < 500 && keyed.isJson(), "POST " + path + " with the key: " + keyed.all());
    }

    @Test
    void unparseableRequestTargetIsRefusedBeforeAnyHandlerRuns() throws IOException {
        // The JDK's request-line parser answers 400 itself (plain HTML) before any proxy code runs.
        int before = upstream.count();
        RawHttp.Response r = send(RawHttp.request("POST", "/v1\\chat\\completions", utf8("{\"model\":\"gpt\"}"),
                List.of()));
        assertEquals(400, r.status(), r.all());
        assertEquals(before, upstream.count());
    }

    @Test
    void connectionThatSendsNothingIsClosedByTheReadTimeout() throws IOException {
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(8))) {
            long t0 = System.nanoTime();
            int got = s.getInputStream().read();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(-1, got);
            assertTrue(ms < 4_500, "a silent connection should be closed after read_timeout_seconds 2, took " + ms
                    + "ms");
        } catch (SocketException reset) {
            // Closed hard: fine.
        }
    }

    @Test
    void unauthenticatedRequestIsRejectedWithoutReadingItsBody() throws IOException {
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(3))) {
            s.getOutputStream().write(RawHttp.request("POST", PATH, null,
                    List.of("Authorization: Bearer not-the-key", "Content-Length: " + (70L << 20))));
            s.getOutputStream().flush();
            s.setSoTimeout(1_000);
            // The answer comes at once; the connection itself ends later, when the unread body times out.
            String head = readHead(s.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 401"), head);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/json"), head);
        }
    }

    @Test
    void contentLengthOverTheDefault64MiBLimitGets413BeforeTheBodyIsSent() throws IOException {
        int before = upstream.count();
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(3))) {
            OutputStream out = s.getOutputStream();
            out.write(withKey("POST", PATH, null, "Content-Length: " + (70L << 20)));
            out.write(new byte[64 * 1024]);
            out.flush();
            RawHttp.Response r = RawHttp.read(s.getInputStream(), Duration.ofSeconds(3));
            assertEquals(413, r.status(), r.all());
            assertTrue(r.isJson() && r.text().contains("64 MiB"), r.all());
        }
        assertEquals(before, upstream.count());
        assertEquals(200, send(RawHttp.chat("gpt", false)).status(), "not serving after a 413");
    }

    @Test
    void slowlorisHeadersAreCutOffByTheReadTimeoutWhileOthersAreServed() throws Exception {
        byte[] head = withKey("POST", PATH, null, "Content-Type: application/json", "X-Padding: " + "p".repeat(40));
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofMillis(500));
             Socket idle = RawHttp.connect(proxy.port(), Duration.ofSeconds(6))) {
            // A keep-alive connection that goes quiet after one request must be closed by the idle timeout.
            idle.getOutputStream().write(utf8("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
            long t0 = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < head.length && !closed; i++) {
                try {
                    s.getOutputStream().write(head[i]);
                    s.getOutputStream().flush();
                    closed = s.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // No answer yet: go on dribbling, one byte per ~500 ms.
                } catch (SocketException reset) {
                    closed = true;
                }
                if (i == 2) {
                    assertEquals(200, send(RawHttp.chat("gpt", false)).status(), "others starved by slowloris");
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(closed, "slowloris connection still open after sending the whole head");
            assertTrue(ms < 4_500, "read_timeout_seconds 2 should close it, took " + ms + "ms");
            assertIdleConnectionClosed(idle);
        }
    }

    /** The idle connection answered its one request, then the proxy closed it (idle_timeout_seconds 1). */
    private static void assertIdleConnectionClosed(Socket idle) throws IOException {
        InputStream in = idle.getInputStream();
        byte[] buf = new byte[4096];
        StringBuilder got = new StringBuilder();
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("idle keep-alive connection still open several seconds after"
                    + " idle_timeout_seconds 1: " + got);
        } catch (SocketException reset) {
            // Closed hard: fine.
        }
        assertTrue(got.toString().startsWith("HTTP/1.1 200"), got.toString());
    }

    @Test
    void slowBodyIsCutOffByTheReadTimeout() throws IOException {
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(6))) {
            s.getOutputStream().write(withKey("POST", PATH, null, "Content-Length: 100"));
            s.getOutputStream().write('{');
            s.getOutputStream().flush();
            long t0 = System.nanoTime();
            RawHttp.Response r = RawHttp.read(s.getInputStream(), Duration.ofSeconds(6));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(r.status() == RawHttp.DROPPED || (r.status() >= 400 && r.status() < 500), r.all());
            assertTrue(ms < 4_500, "read_timeout_seconds 2 should end it, took " + ms + "ms");
        }
    }

    @Test
    void clientsHangingUpBeforeDuringAndAfterTheUpstreamCallLeakNothing() throws Exception {
        assertEquals(200, send(RawHttp.chat("gpt", false)).status());
        ProxyProcess.Resources baseline = proxy.awaitSteadyResources(Duration.ofSeconds(10));
        int n = 20;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // A request that stays in flight (the slow upstream thinks 3 s) proves the handler probe sees one.
            Future<RawHttp.Response> witness = pool.submit(() -> RawHttp.send(proxy.port(),
                    chatSaying("slow", false, "witness"), Duration.ofSeconds(10)));
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String during = "during-" + i;
                // Before: the request is sent and the socket closed at once.
                done.add(pool.submit(() -> hangUpWhen(RawHttp.chat("slow", false), s -> true)));
                // During: closed once the upstream has this request and is still thinking.
                done.add(pool.submit(() -> hangUpWhen(chatSaying("slow", false, during), s -> ProxyProcess.await(
                        Duration.ofSeconds(5), () -> upstreamGot(slow, during)))));
                // After: closed once the upstream answered and the stream is flowing.
                done.add(pool.submit(() -> hangUpWhen(RawHttp.chat("stream", true),
                        s -> s.getInputStream().read() != -1)));
            }
            assertTrue(ProxyProcess.await(Duration.ofSeconds(5), () -> upstreamGot(slow, "witness")),
                    "the witness request never reached the slow upstream");
            assertTrue(proxy.handlerThreads() > 0, "the handler probe saw no in-flight request");
            for (Future<?> f : done) {
                f.get();
            }
            assertEquals(200, witness.get().status(), witness.get().all());
        }
        assertEquals(200, send(RawHttp.chat("gpt", false)).status(), "not serving after hang-ups");
        proxy.assertSettlesTo(baseline, 8, Duration.ofSeconds(10), (3 * n) + " client hang-ups");
    }

    /** When a hanging-up client closes its connection. */
    interface Moment {
        boolean reached(Socket s) throws IOException;
    }

    /** Sends {@code request}, waits for {@code moment}, then resets the connection (closes with linger 0). */
    private static Void hangUpWhen(byte[] request, Moment moment) throws IOException {
        try (Socket s = RawHttp.connect(proxy.port(), Duration.ofSeconds(5))) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            assertTrue(moment.reached(s), "the moment to hang up never came");
            s.setSoLinger(true, 0);
        }
        return null;
    }

    /** A chat request whose user message is {@code text}, so the upstream's record shows when this one arrived. */
    static byte[] chatSaying(String model, boolean stream, String text) {
        return RawHttp.post(PATH, "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}");
    }

    static boolean upstreamGot(MockUpstream upstream, String text) {
        return upstream.requests().stream().anyMatch(r -> r.bodyText().contains("\"" + text + "\""));
    }

    /** Reads one response head, up to its blank line; a timeout fails the test. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c;
            try {
                c = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no response head in time; got: " + head);
            }
            if (c == -1) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
