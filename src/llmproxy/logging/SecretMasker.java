package llmproxy.logging;

import llmproxy.config.Secret;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hides API keys in log text: every configured secret, {@code sk-...} keys, Bearer tokens and the values of
 * api_key/x-api-key/authorization/key/token in header, JSON and query form. Only the value is masked
 * ({@code sk-ab****cdef}; 12 characters or fewer become {@code ****}). Immutable and thread-safe.
 */
final class SecretMasker {
    static final SecretMasker DISABLED = new SecretMasker(false, List.of());
    private static final String MASK = "****";
    /**
     * Configured secrets shorter than this are not replaced everywhere: a one-letter "key" would turn every
     * such letter of every line into stars. They are still masked where a key pattern shows them.
     */
    static final int MIN_ANYWHERE_LENGTH = 4;
    /**
     * A {@code key: value} or {@code key=value} value shorter than this is prose, not a credential
     * ("proxy_api_key: not set"); configured secrets of any length from 4 up are masked regardless.
     */
    static final int MIN_PATTERN_VALUE_LENGTH = 6;
    private static final String KEYWORDS = "x-api-key|api[_-]?key|apikey|authorization|access[_-]?token|token|key";
    /** Group 1: a JSON string value; group 2: a header ({@code name: value}) or query ({@code name=value}) value. */
    private static final Pattern KEY_VALUE = Pattern.compile("(?i)(?<![a-z0-9])(?:"
            + "\"(?:" + KEYWORDS + ")\"\\s*:\\s*\"(?:(?:bearer|basic)\\s+)?([^\"]*)\""
            + "|(?:" + KEYWORDS + ")\\s*[:=]\\s*(?:(?:bearer|basic)\\s+)?([^\\s\"'&,;<>()\\[\\]{}]+))");
    // '*' belongs to the token classes so an already masked value is matched whole and then left alone.
    private static final Pattern BEARER = Pattern.compile("(?i)(?<![a-z0-9])bearer\\s+([a-z0-9._~+/=*-]+)");
    private static final Pattern SK_KEY = Pattern.compile("(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{8,}");

    private final boolean enabled;
    private final List<String> secrets;
    private final List<String> masked;
    /** Every configured secret, short ones included: always masked where a key pattern shows them. */
    private final Set<String> configured;

    /** Masks the given secrets (longest first, so a key containing another is hidden whole) and the patterns. */
    SecretMasker(List<Secret> secrets) {
        this(true, secrets);
    }

    private SecretMasker(boolean enabled, List<Secret> secrets) {
        this.enabled = enabled;
        this.secrets = secrets.stream().filter(s -> s != null && s.value().length() >= MIN_ANYWHERE_LENGTH)
                .map(Secret::value).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        this.masked = this.secrets.stream().map(SecretMasker::maskValue).toList();
        this.configured = secrets.stream().filter(s -> s != null && s.isSet()).map(Secret::value)
                .collect(Collectors.toUnmodifiableSet());
    }

    String mask(String text) {
        if (!enabled || text == null || text.isEmpty()) {
            return text;
        }
        String s = text;
        for (int i = 0; i < secrets.size(); i++) {
            if (s.contains(secrets.get(i))) {
                s = s.replace(secrets.get(i), masked.get(i));
            }
        }
        if (containsIgnoreCase(s, "key") || containsIgnoreCase(s, "token") || containsIgnoreCase(s, "authorization")) {
            s = maskGroups(s, KEY_VALUE, MIN_PATTERN_VALUE_LENGTH, configured);
        }
        if (containsIgnoreCase(s, "bearer")) {
            s = maskGroups(s, BEARER, 1, configured);
        }
        if (s.contains("sk-")) {
            s = maskGroups(s, SK_KEY, 1, configured);
        }
        return s;
    }

    /** First 5 and last 4 characters kept; short values hide entirely since 9 of 12 would be shown. */
    static String maskValue(String value) {
        return value.length() <= 12 ? MASK : value.substring(0, 5) + MASK + value.substring(value.length() - 4);
    }

    /** Replaces the first participating group of each match (or the whole match when there are no groups). */
    private static String maskGroups(String text, Pattern pattern, int minLength, Set<String> configured) {
        Matcher m = pattern.matcher(text);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            int g = 0;
            for (int i = 1; i <= m.groupCount() && g == 0; i++) {
                g = m.start(i) >= 0 ? i : 0;
            }
            String value = m.group(g);
            if ((value.length() < minLength && !configured.contains(value)) || value.isEmpty()
                    || value.contains(MASK)) {
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder(text.length());
            }
            sb.append(text, last, m.start(g)).append(maskValue(value));
            last = m.end(g);
        }
        return sb == null ? text : sb.append(text, last, text.length()).toString();
    }

    /** A cheap pre-check so most lines never reach a regex. {@code needle} must be lower case ASCII. */
    static boolean containsIgnoreCase(String s, String needle) {
        char first = needle.charAt(0);
        char upper = Character.toUpperCase(first);
        for (int i = 0, end = s.length() - needle.length(); i <= end; i++) {
            char c = s.charAt(i);
            if ((c == first || c == upper) && s.regionMatches(true, i, needle, 0, needle.length())) {
                return true;
            }
        }
        return false;
    }
}
