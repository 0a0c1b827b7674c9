package llmproxy.proxy;

/** Text that an upstream or a client controls, made fit to show in the proxy's own messages. */
public final class Text {
    static final int MAX = 200;

    private Text() {
        throw new AssertionError();
    }

    /** Cut to {@link #MAX} characters, control characters replaced by '?'; null becomes "". */
    public static String safe(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > MAX ? s.substring(0, MAX) + "…" : s;
        StringBuilder sb = null;
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                if (sb == null) {
                    sb = new StringBuilder(cut);
                }
                sb.setCharAt(i, '?');
            }
        }
        return sb == null ? cut : sb.toString();
    }
}
