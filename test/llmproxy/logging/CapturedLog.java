package llmproxy.logging;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * A {@link Log} whose console output goes to memory instead of stdout, so the errors tests provoke on purpose
 * stay off the build's console and the tests can assert on them.
 */
public final class CapturedLog {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Log log = new Log(Clock.systemDefaultZone(), new PrintStream(out, true, StandardCharsets.UTF_8),
            Log.DEFAULT_QUEUE_CAPACITY, () -> { });

    public Log log() {
        return log;
    }

    /** What the log printed to its console, including every line logged before this call. */
    public String text() {
        log.flush();
        return out.toString(StandardCharsets.UTF_8);
    }
}
