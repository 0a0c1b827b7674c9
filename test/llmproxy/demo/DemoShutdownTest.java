package llmproxy.demo;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Stopping {@code -demo} the way a user does (Ctrl-C, SIGTERM): the same exit codes as a configured run. */
class DemoShutdownTest {
    @Test
    void sigtermAfterACompleteDrain_exitsZero() throws Exception {
        try (DemoProcess demo = DemoProcess.start()) {
            demo.awaitOutput(o -> o.contains(DemoGuide.END), Duration.ofSeconds(30), "curl guide");

            int code = demo.terminate();

            // 0 comes only from the drain's verdict: the JVM's own status after a SIGTERM is 143.
            assertEquals(0, code, demo.output());
        }
    }
}
