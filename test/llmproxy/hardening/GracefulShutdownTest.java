package llmproxy.hardening;

import llmproxy.testkit.MockUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM to the running jar: in-flight streams finish within the grace period, nothing new gets in. */
class GracefulShutdownTest {
    final List<AutoCloseable> closeables = new ArrayList<>();
    MockUpstream upstream;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    ProxyProcess start(int events, long gapMs, int graceSeconds) throws IOException {
        upstream = MockUpstream.start(Upstreams.sse(events, gapMs));
        closeables.add(upstream);
        ProxyProcess p = ProxyProcess.start("""
                listen: "127.0.0.1:${PORT}"
                backends:
                  - name: a
                    url: "%s/v1"
                models:
                  "gpt":
                    routes:
                      - backend: a
                        model: "m"
                timeouts:
                  connect_seconds: 2
                  response_header_seconds: 5
                  stream_idle_seconds: 5
                server:
                  shutdown_grace_seconds: %d
                logging:
                  level: info
                """.formatted(upstream.url(), graceSeconds));
        closeables.add(p);
        return p;
    }

    /** Sends a streaming request and returns the socket once the upstream is streaming it (unread). */
    Socket openStream(ProxyProcess p) throws IOException {
        int before = upstream.count();
        Socket s = RawHttp.connect(p.port(), Duration.ofSeconds(10));
        s.getOutputStream().write(RawHttp.chat("gpt", true));
        s.getOutputStream().flush();
        assertTrue(ProxyProcess.await(Duration.ofSeconds(5), () -> upstream.count() > before),
                "the stream never reached the upstream");
        return s;
    }

    static boolean refusesConnections(ProxyProcess p) {
        try (Socket s = RawHttp.connect(p.port(), Duration.ofSeconds(1))) {
            s.getOutputStream().write(RawHttp.get("/health"));
            return s.getInputStream().read() == -1;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return true;
        }
    }

    @Test
    void sigtermLetsAnInFlightStreamFinishRefusesNewConnectionsAndExitsZero() throws Exception {
        ProxyProcess p = start(10, 200, 10);
        Socket keepAlive = RawHttp.connect(p.port(), Duration.ofSeconds(3));
        closeables.add(keepAlive);
        OutputStream ka = keepAlive.getOutputStream();
        ka.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(ClientAttacksTest.readHead(keepAlive.getInputStream()).startsWith("HTTP/1.1 200"));
        keepAlive.getInputStream().readNBytes(15); // {"status":"ok"}

        try (Socket stream = openStream(p)) {
            long t0 = System.nanoTime();
            p.terminate();
            assertTrue(ProxyProcess.await(Duration.ofSeconds(2), () -> refusesConnections(p)),
                    "still accepting new connections after SIGTERM");
            String healthOnOpenConnection = healthOn(keepAlive);
            RawHttp.Response r = RawHttp.read(stream.getInputStream(), Duration.ofSeconds(8));
            assertTrue(r.complete(), "stream cut during the drain: " + r.text());
            assertTrue(r.text().contains("{\"n\":9}") && r.text().endsWith("data: [DONE]\n\n"), r.text());
            assertTrue(p.process().waitFor(5, TimeUnit.SECONDS), "did not exit after the drain");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 6_000, "exit took " + ms + "ms");
            assertEquals(0, p.process().exitValue(), "a complete drain is a clean exit");
            // A load balancer polling over an already-open keep-alive connection is told to go away.
            assertTrue(healthOnOpenConnection.startsWith("HTTP/1.1 503"), healthOnOpenConnection);
            String log = p.log();
            assertTrue(log.contains("shutting down: draining 1 in-flight request(s)"), log);
            assertTrue(log.contains("all requests finished"), log);
        }
    }

    /** GET /health on an existing connection: its status line, or how the connection ended. */
    static String healthOn(Socket s) {
        try {
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = ClientAttacksTest.readHead(s.getInputStream());
            return head.isEmpty() ? "(closed)" : head;
        } catch (SocketException e) {
            return "(closed: " + e.getMessage() + ")";
        } catch (IOException e) {
            return "(failed: " + e + ")";
        }
    }

    @Test
    void graceExpiryClosesAStreamThatRunsTooLongAndTheProcessExitsOne() throws Exception {
        ProxyProcess p = start(25, 200, 1);
        try (Socket stream = openStream(p)) {
            long t0 = System.nanoTime();
            p.terminate();
            assertTrue(p.process().waitFor(5, TimeUnit.SECONDS), "did not exit after the 1s grace");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 900 && ms < 3_500, "exit after " + ms + "ms, grace is 1s");
            RawHttp.Response r = RawHttp.read(stream.getInputStream(), Duration.ofSeconds(3));
            assertEquals(200, r.status(), r.all());
            assertFalse(r.complete() || r.text().contains("[DONE]"), "a 5s stream cannot finish in a 1s grace: "
                    + r.text());
            assertNotEquals(0, r.text().length());
            assertTrue(p.log().contains("grace period over"), p.log());
            assertEquals(1, p.process().exitValue(), "requests cut short by the grace period");
        }
    }
}
