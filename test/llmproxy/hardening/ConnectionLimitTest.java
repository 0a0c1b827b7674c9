package llmproxy.hardening;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * server.max_connections: a flood of idle connections larger than the process's descriptor limit must not make
 * the JDK's accept loop spin (it did: accept failing with "too many open files", retried at once, forever).
 */
class ConnectionLimitTest {

    @Test
    void idleConnectionsBeyondTheCap_doNotSpinTheCpu_andHealthAnswersOnceTheyGo() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/limits")) && Files.isExecutable(Path.of("/bin/sh")),
                "needs /proc and /bin/sh to limit the child's descriptors");
        List<Socket> idle = new ArrayList<>();
        try (ProxyProcess p = ProxyProcess.startWithOpenFileLimit("""
                listen: "127.0.0.1:${PORT}"
                backends:
                  - name: a
                    url: "http://127.0.0.1:9"
                models:
                  "m":
                    routes:
                      - backend: a
                        model: "x"
                server:
                  max_connections: 40
                  read_timeout_seconds: 60
                  idle_timeout_seconds: 60
                """, 256)) {
            assertTrue(p.log().contains("fewer than server.max_connections (40) plus 256"), p.log());
            for (int i = 0; i < 400; i++) {
                idle.add(RawHttp.connect(p.port(), Duration.ofSeconds(2)));
            }

            // Measuring windows, not waits for a condition: a second for the burst of accepts, then two quiet ones.
            ProxyProcess.sleep(1000);
            long ticks = p.cpuTicks();
            ProxyProcess.sleep(2000);
            long used = p.cpuTicks() - ticks;
            assertTrue(used < 40, "the proxy burned " + used + "0 ms of CPU in 2 s while idle connections were held");

            for (Socket s : idle) {
                s.close();
            }
            long released = System.nanoTime();
            assertTrue(ProxyProcess.await(Duration.ofSeconds(3), () -> healthy(p)),
                    "/health did not answer after the idle connections went:\n" + p.log());
            long ms = (System.nanoTime() - released) / 1_000_000;
            assertTrue(ms < 1_500, "/health answered only " + ms + " ms after the idle connections went");
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    static boolean healthy(ProxyProcess p) {
        try {
            return RawHttp.send(p.port(), RawHttp.get("/health"), Duration.ofMillis(500)).status() == 200;
        } catch (IOException | AssertionError e) {
            return false;
        }
    }
}
