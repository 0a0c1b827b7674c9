package llmproxy.logging;

import llmproxy.config.LogSettings;

import java.util.concurrent.CountDownLatch;

/** What request threads hand to the writer thread; formatting waits until the writer takes it. */
sealed interface Entry {
    /** One log line; {@code millis} is when it was logged, not when it gets written. */
    record Line(Level level, long millis, String message, Throwable thrown) implements Entry {
    }

    /** A finished request, owned by the writer from now on. */
    record Trace(RequestTrace trace, long millis) implements Entry {
    }

    /** New settings, applied on the writer thread so files never switch under a write. */
    record Reconfigure(LogSettings settings, Level level, SecretMasker masker) implements Entry {
    }

    /** Counted down once everything queued before it has been written and flushed. */
    record Flush(CountDownLatch done) implements Entry {
    }

    /** WAKE only wakes the writer to look at its overflow queue; STOP ends the writer thread. */
    enum Signal implements Entry {
        WAKE, STOP
    }
}
