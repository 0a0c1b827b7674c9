package llmproxy.logging;

import llmproxy.config.LogSettings;
import llmproxy.config.Secret;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;

/**
 * The logging facade. Thread-safe and cheap on request threads: a call checks the level, enqueues and returns;
 * one writer thread formats, masks ({@code mask_sensitive}) and writes to stdout and the files. Never throws.
 * When the queue is full DEBUG/INFO lines and request traces are dropped and counted; WARN/ERROR never are.
 */
public final class Log implements AutoCloseable {
    static final int DEFAULT_QUEUE_CAPACITY = 8192;

    /** Read once per call, so a reload changes level and trace output together. */
    private record Filter(Level level, boolean separateFiles, boolean metrics) {
        boolean enabled(Level l) {
            return l.compareTo(level) >= 0;
        }
    }

    private final Clock clock;
    private final LogWriter writer;
    private volatile Filter filter = new Filter(Level.INFO, false, false);

    /** Logs to stdout at INFO until {@link #apply} says otherwise. */
    public Log() {
        this(Clock.systemDefaultZone(), System.out, DEFAULT_QUEUE_CAPACITY, () -> { });
    }

    /** For tests: a fixed clock and zone, captured stdout, a tiny queue, a hook that can stall the writer. */
    Log(Clock clock, PrintStream stdout, int queueCapacity, Runnable beforeBatch) {
        this.clock = clock;
        this.writer = new LogWriter(new LogSink(stdout, clock), queueCapacity, beforeBatch);
    }

    /**
     * Applies the {@code logging:} settings and the secrets to mask, on start and on every reload. Files switch on
     * the writer thread, after the lines already queued.
     */
    public void apply(LogSettings settings, List<Secret> secrets) {
        LogSettings s = settings == null ? LogSettings.defaults() : settings;
        Level parsed = Level.parse(s.level());
        Level level = parsed == null ? Level.INFO : parsed;
        SecretMasker masker = s.maskSensitive() ? new SecretMasker(secrets == null ? List.of() : secrets)
                : SecretMasker.DISABLED;
        filter = new Filter(level, s.separateFiles(), s.enableMetrics());
        writer.submit(new Entry.Reconfigure(s, level, masker));
    }

    /** Lines and traces dropped on a full queue since start. */
    public long droppedLines() {
        return writer.droppedTotal();
    }

    public boolean isEnabled(Level l) {
        return filter.enabled(l);
    }

    public void debug(String message) {
        log(Level.DEBUG, message, null);
    }

    public void info(String message) {
        log(Level.INFO, message, null);
    }

    public void warn(String message) {
        log(Level.WARN, message, null);
    }

    public void error(String message) {
        log(Level.ERROR, message, null);
    }

    /** The stack trace follows the message, one line per frame. */
    public void error(String message, Throwable t) {
        log(Level.ERROR, message, t);
    }

    /**
     * Takes ownership of a finished request's trace: per-request block (inline at DEBUG, or in its own file) and
     * the metrics line. A failed request's one summary line is logged by the proxy itself, so at INFO the block
     * would only say it again. The caller must not touch the trace afterwards.
     */
    public void request(RequestTrace trace) {
        Filter f = filter;
        if (trace == null) {
            return;
        }
        // Decided here so that, at the usual INFO level, successful requests cost nothing at all.
        boolean wanted = f.separateFiles() || f.metrics() && f.enabled(Level.INFO)
                || f.enabled(Level.DEBUG);
        if (wanted) {
            writer.offer(new Entry.Trace(trace, clock.millis()));
        }
    }

    /** Returns once everything logged before this call has been written and flushed; meant for tests. */
    public void flush() {
        writer.flush();
    }

    /** Drains queued lines and closes files; later calls write straight to stdout. */
    @Override
    public void close() {
        writer.close();
    }

    private void log(Level l, String message, Throwable t) {
        if (!filter.enabled(l)) {
            return;
        }
        Entry.Line line = new Entry.Line(l, clock.millis(), message, t);
        if (l.compareTo(Level.WARN) >= 0) {
            writer.submit(line);
        } else {
            writer.offer(line);
        }
    }
}
