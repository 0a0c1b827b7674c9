package llmproxy.logging;

import java.util.Locale;

/** Log severities, in increasing order. */
public enum Level {
    DEBUG, INFO, WARN, ERROR;

    /** Parses "debug", "INFO", ...; null when unknown. */
    public static Level parse(String s) {
        if (s == null) {
            return null;
        }
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
