package llmproxy.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Builds one log record: {@code [YYYY-MM-DD HH:MM:SS] [LEVEL] message}, then the stack trace if any. The message
 * and the exception texts are escaped ({@link LogText}), so whatever they quote cannot start a line of its own.
 */
final class LineFormat {
    static final String NL = System.lineSeparator();

    private final TimestampCache timestamps;

    LineFormat(TimestampCache timestamps) {
        this.timestamps = timestamps;
    }

    /** The record including its trailing line separator. */
    String format(Level level, long millis, String message, Throwable thrown) {
        String msg = String.valueOf(message);
        StringBuilder sb = prefix(new StringBuilder(32 + msg.length()), level, millis);
        LogText.append(sb, msg).append(NL);
        if (thrown != null) {
            appendThrowable(sb, thrown, new StackTraceElement[0], "", "",
                    Collections.newSetFromMap(new IdentityHashMap<>()));
        }
        return sb.toString();
    }

    /**
     * A multi-line record whose text is already safe, line by line: a request block, whose values the
     * {@link RequestBlockFormatter} escaped and whose continuation lines are indented.
     */
    String formatBlock(Level level, long millis, String block) {
        return prefix(new StringBuilder(32 + block.length()), level, millis).append(block).append(NL).toString();
    }

    private StringBuilder prefix(StringBuilder sb, Level level, long millis) {
        return sb.append('[').append(timestamps.second(millis)).append("] [").append(level.name()).append("] ");
    }

    /**
     * Like {@link Throwable#printStackTrace()} (frames shared with the enclosing trace elided), but each
     * exception's text is escaped: an exception message often quotes a client or an upstream.
     */
    private static void appendThrowable(StringBuilder sb, Throwable t, StackTraceElement[] enclosing, String caption,
                                        String indent, Set<Throwable> seen) {
        sb.append(indent).append(caption);
        if (!seen.add(t)) {
            LogText.append(sb.append("[CIRCULAR REFERENCE: "), t.toString()).append(']').append(NL);
            return;
        }
        LogText.append(sb, t.toString()).append(NL);
        StackTraceElement[] trace = t.getStackTrace();
        int m = trace.length - 1;
        int n = enclosing.length - 1;
        while (m >= 0 && n >= 0 && trace[m].equals(enclosing[n])) {
            m--;
            n--;
        }
        for (int i = 0; i <= m; i++) {
            LogText.append(sb.append(indent).append("\tat "), trace[i].toString()).append(NL);
        }
        if (m < trace.length - 1) {
            sb.append(indent).append("\t... ").append(trace.length - 1 - m).append(" more").append(NL);
        }
        for (Throwable s : t.getSuppressed()) {
            appendThrowable(sb, s, trace, "Suppressed: ", indent + "\t", seen);
        }
        if (t.getCause() != null) {
            appendThrowable(sb, t.getCause(), trace, "Caused by: ", indent, seen);
        }
    }
}
