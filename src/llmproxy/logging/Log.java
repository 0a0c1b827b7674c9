package llmproxy.logging;

import llmproxy.config.LogSettings;
import llmproxy.config.Secret;

import java.util.List;

/**
 * The logging facade (SKELETON: to be replaced by the real asynchronous implementation).
 * Thread-safe; never throws; never blocks the caller on disk.
 */
public final class Log implements AutoCloseable {
    private volatile Level level = Level.INFO;

    public Log() {
    }

    /** Applies the {@code logging:} settings and the secrets to mask, on start and on every reload. */
    public void apply(LogSettings settings, List<Secret> secrets) {
        Level l = Level.parse(settings.level());
        level = l == null ? Level.INFO : l;
    }

    public boolean isEnabled(Level l) {
        return l.compareTo(level) >= 0;
    }

    public void debug(String message) { log(Level.DEBUG, message, null); }
    public void info(String message) { log(Level.INFO, message, null); }
    public void warn(String message) { log(Level.WARN, message, null); }
    public void error(String message) { log(Level.ERROR, message, null); }
    public void error(String message, Throwable t) { log(Level.ERROR, message, t); }

    /** Takes ownership of a finished request's trace: per-request block and metrics line. */
    public void request(RequestTrace trace) {
    }

    private void log(Level l, String message, Throwable t) {
        if (isEnabled(l)) {
            System.out.println("[" + l + "] " + message);
            if (t != null) {
                t.printStackTrace(System.out);
            }
        }
    }

    /** Drains queued lines and closes files. */
    @Override
    public void close() {
    }
}
