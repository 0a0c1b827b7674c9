package llmproxy.logging;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Builds one log record: {@code [YYYY-MM-DD HH:MM:SS] [LEVEL] message}, then the stack trace if any. */
final class LineFormat {
    static final String NL = System.lineSeparator();

    private final TimestampCache timestamps;

    LineFormat(TimestampCache timestamps) {
        this.timestamps = timestamps;
    }

    /** The record including its trailing line separator. */
    String format(Level level, long millis, String message, Throwable thrown) {
        String msg = String.valueOf(message);
        StringBuilder sb = new StringBuilder(32 + msg.length());
        sb.append('[').append(timestamps.second(millis)).append("] [").append(level.name()).append("] ")
                .append(msg).append(NL);
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            sb.append(trace);
        }
        return sb.toString();
    }
}
