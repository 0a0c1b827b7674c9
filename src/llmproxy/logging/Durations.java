package llmproxy.logging;

/** Durations as log text: milliseconds with one decimal ({@code 12.3ms}), without String.format. */
public final class Durations {
    private Durations() {
        throw new AssertionError();
    }

    public static String millis(long nanos) {
        return appendMillis(new StringBuilder(12), nanos).toString();
    }

    static StringBuilder appendMillis(StringBuilder sb, long nanos) {
        long tenths = Math.max(0L, nanos) / 100_000L;
        return sb.append(tenths / 10).append('.').append(tenths % 10).append("ms");
    }
}
