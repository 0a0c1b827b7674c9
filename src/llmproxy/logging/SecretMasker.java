package llmproxy.logging;

import llmproxy.config.Secret;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Hides secrets, and only secrets, in log text. What counts as a secret:
 * <ul>
 * <li>every configured secret, wherever it appears (see {@link Redactor});</li>
 * <li>an {@code sk-} key: a token that starts with {@code sk-} after a boundary and holds a run of at least
 *     {@value #SK_MIN_RUN} letters and digits (so {@code sk-gpt-4o-mini} stays);</li>
 * <li>the value of a {@code name=value} pair or a JSON {@code "name": "value"} member whose name is a
 *     {@linkplain #isCredentialName credential name}, also behind {@code ?} and {@code &} in a query string;
 *     an {@code Authorization}-like value keeps its scheme ({@code Bearer sk-ab****cdef});</li>
 * <li>the value of a {@code name: value} pair with a credential name when the value looks like a key (see
 *     {@link #looksLikeAKey}), so prose such as {@code auth: failed} stays;</li>
 * <li>the password in a URL's {@code user:password@}.</li>
 * </ul>
 * A value is one token: it never runs across a space, {@code /}, {@code :} or an {@code =} other than base64
 * padding (a token after an auth scheme keeps its base64 {@code /}), and a {@code name: value} pair never starts
 * inside another field's value or a path, so masking never eats the next field. Masked values are {@code first 5 + **** + last 4}
 * ({@code ****} when 12 characters or fewer) and are left alone when masked again. Immutable and thread-safe.
 */
final class SecretMasker {
    static final SecretMasker DISABLED = new SecretMasker(false, List.of());
    static final int SK_MIN_RUN = 12;

    /**
     * The last word of a credential name ({@code x-api-key}, {@code access_token}, {@code apiKey}); a name whose
     * last word is something else ({@code x-key-id}, {@code max_tokens}) names no credential.
     */
    private static final Set<String> CREDENTIAL_WORDS = Set.of("key", "apikey", "token", "secret", "password",
            "passwd", "pwd", "passphrase", "auth", "authorization", "cookie", "sig", "signature", "credential",
            "credentials");
    private static final List<String> STEMS = List.of("key", "token", "secret", "pass", "pwd", "auth", "cookie",
            "sig", "cred");
    private static final List<String> CREDENTIAL_SUFFIXES = List.of("apikey", "token", "secret", "password");

    private static final Pattern SK_KEY = Pattern.compile("(?<![A-Za-z0-9_.-])sk-[A-Za-z0-9_-]+");
    private static final String SCHEME = "(?:((?i:bearer|basic|token))[ \\t]+)?";
    /** Group 1 name, 2 separator, 3 auth scheme, 4 value. */
    private static final Pattern PAIR = Pattern.compile("(?<![A-Za-z0-9_.\"-])([A-Za-z][A-Za-z0-9_.-]*)"
            + "(=|:[ \\t]*)" + SCHEME + "([A-Za-z0-9._~+%*-]+=*)");
    /** Group 1 name, 3 auth scheme, 4 value (group 2 is unused, to line up with PAIR). */
    private static final Pattern JSON_PAIR = Pattern.compile("\"([A-Za-z][A-Za-z0-9_.-]*)\"()[ \\t]*:[ \\t]*\""
            + SCHEME + "([^\"\\\\\\r\\n]*)\"");
    private static final Pattern USERINFO = Pattern.compile("://[^/\\s:@]+:([^/\\s@]+)@");

    private final boolean enabled;
    private final Redactor redactor;
    /** Every configured secret, short ones included: always masked where a credential pair shows them. */
    private final Set<String> configured;

    /** Masks the given secrets wherever they appear, and the credential shapes. */
    SecretMasker(List<Secret> secrets) {
        this(true, secrets);
    }

    private SecretMasker(boolean enabled, List<Secret> secrets) {
        this.enabled = enabled;
        this.configured = secrets.stream().filter(Objects::nonNull).filter(Secret::isSet).map(Secret::value)
                .collect(Collectors.toUnmodifiableSet());
        this.redactor = Redactor.of(configured);
    }

    String mask(String text) {
        if (!enabled || text == null || text.isEmpty()) {
            return text;
        }
        String s = redactor.redact(text);
        if (mentionsCredentialWord(s)) {
            s = maskPairs(s, PAIR);
            if (s.indexOf('"') >= 0) {
                s = maskPairs(s, JSON_PAIR);
            }
        }
        if (s.indexOf('@') >= 0) {
            s = maskAll(s, USERINFO);
        }
        if (s.contains("sk-")) {
            s = maskAll(s, SK_KEY);
        }
        return s;
    }

    /**
     * A request header value as the log shows it: masked when the header name is a credential name
     * ({@code Authorization}, {@code x-api-key}, {@code Cookie}), keeping an auth scheme word.
     */
    String maskHeader(String name, String value) {
        if (!enabled || value == null || value.isEmpty() || !isCredentialName(name) || value.contains(Redactor.MASK)) {
            return value;
        }
        int space = value.indexOf(' ');
        if (space > 0 && space < value.length() - 1 && value.substring(0, space).chars().allMatch(Character::isLetter)) {
            return value.substring(0, space + 1) + Redactor.mask(value.substring(space + 1).strip());
        }
        return Redactor.mask(value);
    }

    /** True when the last word of the name is a credential word ({@code x-api-key}, not {@code x-key-id}). */
    static boolean isCredentialName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        int cut = Math.max(lower.lastIndexOf('-'), Math.max(lower.lastIndexOf('_'), lower.lastIndexOf('.')));
        String last = lower.substring(cut + 1);
        return CREDENTIAL_WORDS.contains(last) || CREDENTIAL_SUFFIXES.stream().anyMatch(last::endsWith);
    }

    /**
     * A cheap test that most lines fail, so they never reach the pair patterns: every credential word holds one
     * of these stems ({@code apikey} and {@code authorization} included).
     */
    static boolean mentionsCredentialWord(String s) {
        for (int i = 0; i < s.length(); i++) {
            switch (s.charAt(i) | 0x20) {
                case 'k', 't', 's', 'p', 'a', 'c' -> {
                    for (String stem : STEMS) {
                        if (s.regionMatches(true, i, stem, 0, stem.length())) {
                            return true;
                        }
                    }
                }
                default -> {
                }
            }
        }
        return false;
    }

    /** Long enough and random enough to be a key rather than a word: 8+ characters with a digit, or 16+. */
    static boolean looksLikeAKey(String value) {
        return value.length() >= 16 || value.length() >= 8 && value.chars().anyMatch(Character::isDigit);
    }

    private String maskPairs(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        StringBuilder sb = null;
        int last = 0;
        for (int from = 0; from < text.length() && m.find(from); ) {
            // After an auth scheme the value is a token68, which may hold '/' (base64): mask all of it.
            int end = m.group(3) != null && pattern == PAIR ? token68End(text, m.end(4)) : m.end(4);
            String value = text.substring(m.start(4), end);
            boolean bareColon = m.group(2) != null && m.group(2).startsWith(":");
            boolean mask = isCredentialName(m.group(1)) && !value.isEmpty() && !value.contains(Redactor.MASK)
                    && (!bareColon || m.group(3) != null || looksLikeAKey(value) || configured.contains(value))
                    && !(bareColon && insideAnotherValue(text, m.start(1)));
            if (mask) {
                sb = sb == null ? new StringBuilder(text.length()) : sb;
                sb.append(text, last, m.start(4)).append(Redactor.mask(value));
                last = end;
                from = end;
            } else {
                // The value may itself start a pair ("request: token=…"), so look again from there.
                from = m.start(4) > m.start() ? m.start(4) : m.end();
            }
        }
        return sb == null ? text : sb.append(text, last, text.length()).toString();
    }

    /**
     * True when a {@code name: value} candidate starts inside another field's value or a path
     * ({@code model=my-token:2024-06-01}, {@code /models/x-auth:latest1}): a tagged name, not a credential pair.
     */
    private static boolean insideAnotherValue(String text, int nameStart) {
        return nameStart > 0 && (text.charAt(nameStart - 1) == '=' || text.charAt(nameStart - 1) == '/');
    }

    /** The end of the token68 ({@code A-Za-z0-9-._~+/}, then {@code =} padding) that continues at {@code from}. */
    private static int token68End(String text, int from) {
        int i = from;
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) && text.charAt(i) < 128
                || "-._~+/".indexOf(text.charAt(i)) >= 0)) {
            i++;
        }
        while (i < text.length() && text.charAt(i) == '=') {
            i++;
        }
        return i;
    }

    /** Masks the first group of each match (the whole match when there is none), when it is a key. */
    private static String maskAll(String text, Pattern pattern) {
        Matcher m = pattern.matcher(text);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            int g = m.groupCount() > 0 ? 1 : 0;
            String value = m.group(g);
            if (value.contains(Redactor.MASK) || pattern == SK_KEY && !isSkKey(value)) {
                continue;
            }
            sb = sb == null ? new StringBuilder(text.length()) : sb;
            sb.append(text, last, m.start(g)).append(Redactor.mask(value));
            last = m.end(g);
        }
        return sb == null ? text : sb.append(text, last, text.length()).toString();
    }

    private static boolean isSkKey(String token) {
        int run = 0;
        for (int i = 3; i < token.length(); i++) {
            char c = token.charAt(i);
            run = Character.isLetterOrDigit(c) ? run + 1 : 0;
            if (run >= SK_MIN_RUN) {
                return true;
            }
        }
        return false;
    }
}
