package llmproxy.logging;

/**
 * Makes client- and upstream-controlled text safe to write into a log: no character in it can end a line, move
 * the cursor or talk to a terminal, so one log line is always one event. Control characters become Java-style
 * escapes ({@code \n}, {@code \r}, {@code \t}, {@code \u001b}); backslashes are left alone, so an escape in the
 * log may also be literal text the client sent.
 */
public final class LogText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private LogText() {
        throw new AssertionError();
    }

    /** The text on one line; the same instance when nothing needed escaping. Null becomes "null". */
    public static String escape(String s) {
        String text = String.valueOf(s);
        int i = firstUnsafe(text);
        if (i < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        appendEscaped(sb, text, i);
        return sb.toString();
    }

    /** Appends the text escaped as by {@link #escape}. */
    static StringBuilder append(StringBuilder sb, String s) {
        String text = String.valueOf(s);
        int i = firstUnsafe(text);
        if (i < 0) {
            return sb.append(text);
        }
        return appendEscaped(sb.append(text, 0, i), text, i);
    }

    /**
     * Appends a body readably: each of its line breaks ({@code \n} or {@code \r\n}) becomes {@code lineBreak}
     * (a separator and an indent, so no body line can pass for a log line), tabs stay, other control characters
     * are escaped.
     */
    static StringBuilder appendBody(StringBuilder sb, String body, String lineBreak) {
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n') {
                sb.append(lineBreak);
            } else if (c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
                sb.append(lineBreak);
                i++;
            } else if (c != '\t' && unsafe(c)) {
                appendEscape(sb, c);
            } else {
                sb.append(c);
            }
        }
        return sb;
    }

    private static StringBuilder appendEscaped(StringBuilder sb, String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                appendEscape(sb, c);
            } else {
                sb.append(c);
            }
        }
        return sb;
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * C0 and C1 controls and DEL (C1 holds NEL, a line break to some readers, and CSI, a terminal escape), and
     * the Unicode line and paragraph separators that editors break lines at.
     */
    private static boolean unsafe(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029';
    }

    private static void appendEscape(StringBuilder sb, char c) {
        switch (c) {
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                    .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
        }
    }
}
