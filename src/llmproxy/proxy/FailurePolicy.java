package llmproxy.proxy;

import llmproxy.config.Detection;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Decides, for one failed attempt, whether to try the next candidate and how long to cool the
 * backend+model down. Status 400/404/413/422 describe the request, not the backend, so they fall back
 * without a cooldown unless an error pattern matched; so does any error but a 429 whose body names a request
 * problem (context length, {@code detection.request_patterns}).
 */
final class FailurePolicy {
    /**
     * What to do after an attempt: fall back or not, the cooldown in millis (0 = none), whether the same route may
     * be tried again first ({@code retryable}: the backend, not the request, failed, and not by staying silent),
     * and the upstream's Retry-After in millis (0 = none).
     */
    record Decision(boolean fallback, long cooldownMillis, String why, boolean retryable, long retryAfterMillis) {
        Decision(boolean fallback, long cooldownMillis, String why) {
            this(fallback, cooldownMillis, why, false, 0);
        }
    }

    /** Errors that are the request's own: no backend would answer them differently. */
    private static final List<String> CONTEXT_PATTERNS = List.of("context_length_exceeded", "maximum context length",
            "prompt is too long", "string_above_max_length", "too many tokens");
    /** A content-policy refusal is the provider's verdict on the request: the client gets it with its reason. */
    private static final List<String> POLICY_PATTERNS = List.of("content_policy_violation", "content_filter",
            "responsibleaipolicyviolation");

    private FailurePolicy() {
        throw new AssertionError();
    }

    static Decision decide(Outcome failure, Detection detection, long cooldownMillis, long nowMillis) {
        return decide(failure, detection, cooldownMillis, nowMillis, new byte[0]);
    }

    /**
     * As above; {@code requestBody} is the client's: an error pattern the upstream merely echoed from it (providers
     * quote request text in their errors) says nothing about the backend, so it never cools the backend down.
     */
    static Decision decide(Outcome failure, Detection detection, long cooldownMillis, long nowMillis,
                           byte[] requestBody) {
        return switch (failure) {
            case Outcome.Transport t -> new Decision(true, cooldownMillis, t.reason(),
                    t.kind() != Outcome.Kind.TIMEOUT, 0);
            case Outcome.HttpError e -> {
                // Decoded once: every pattern rule below reads the same text.
                String text = e.body().length == 0 ? "" : text(e);
                yield echoed(decideHttp(e, text, detection, cooldownMillis, nowMillis), e, text, detection,
                        requestBody);
            }
            case Outcome.Success s -> new Decision(false, 0, "success");
        };
    }

    private static Decision decideHttp(Outcome.HttpError e, String text, Detection detection, long cooldownMillis,
                                       long nowMillis) {
        // Any error but a rate limit may be the request's own: some servers answer "prompt too long" with a 5xx.
        if (e.status() >= 400 && e.status() != 429 && !text.isEmpty()) {
            String policy = find(text, POLICY_PATTERNS);
            if (policy != null) {
                return new Decision(false, 0, "status " + e.status() + ", content policy (\"" + policy
                        + "\"): the provider's verdict goes to the client");
            }
            String request = find(text, CONTEXT_PATTERNS);
            request = request != null ? request : find(text, detection.requestPatterns());
            if (request != null) {
                return new Decision(true, 0, "status " + e.status() + ", request problem (\"" + request
                        + "\"): no cooldown");
            }
        }
        Decision d = decideStatus(e, find(text, detection.errorPatterns()), detection, cooldownMillis, nowMillis);
        boolean retryable = d.fallback() && d.cooldownMillis() > 0 && (e.status() >= 500 || e.status() == 429);
        return new Decision(d.fallback(), d.cooldownMillis(), d.why(), retryable,
                retryable ? retryAfterMillis(e.headers(), nowMillis) : 0);
    }

    private static String text(Outcome.HttpError e) {
        return decode(e.body(), ErrorBodies.encoding(e)).toLowerCase(Locale.ROOT);
    }

    private static String find(String text, List<String> patterns) {
        for (String p : patterns) {
            if (text.contains(p)) {
                return p;
            }
        }
        return null;
    }

    /** {@code pattern}: the {@code error_patterns} entry found in the body, or null. */
    private static Decision decideStatus(Outcome.HttpError e, String pattern, Detection detection, long cooldownMillis,
                                         long nowMillis) {
        boolean statusMatch = detection.matchesStatus(e.status());
        if (pattern == null && !statusMatch) {
            return new Decision(false, 0, "status " + e.status() + " not in error_codes");
        }
        String why = pattern != null ? "status " + e.status() + ", body matched \"" + pattern + "\"" : "status " + e.status();
        int s = e.status();
        if (pattern == null && (s == 400 || s == 404 || s == 413 || s == 422)) {
            return new Decision(true, 0, why + " (request error: no cooldown)");
        }
        long cooldown = cooldownMillis;
        if (s == 429 || s == 503) {
            long retryAfter = retryAfterMillis(e.headers(), nowMillis);
            if (retryAfter > 0) {
                cooldown = retryAfter;
            }
        }
        return new Decision(true, cooldown, why);
    }

    private static Decision echoed(Decision d, Outcome.HttpError e, String text, Detection detection,
                                   byte[] requestBody) {
        if (d.cooldownMillis() == 0 || requestBody.length == 0 || detection.matchesStatus(e.status())) {
            return d;
        }
        String pattern = find(text, detection.errorPatterns());
        String request = new String(requestBody, StandardCharsets.UTF_8);
        // Providers echo the decoded text: a pattern written with JSON escapes in the request is the pattern too.
        if (pattern == null || !request.toLowerCase(Locale.ROOT).contains(pattern)
                && !unescapeJson(request).toLowerCase(Locale.ROOT).contains(pattern)) {
            return d;
        }
        return new Decision(d.fallback(), 0, d.why() + " (the request itself contains it: no cooldown)", false, 0);
    }

    /** The text with JSON escapes resolved (a {@code \\u} escape to its character, {@code \\n} to a line break). */
    static String unescapeJson(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char next = s.charAt(++i);
            if (next == 'u' && i + 4 < s.length() && isHex(s, i + 1, i + 5)) {
                sb.append((char) Integer.parseInt(s, i + 1, i + 5, 16));
                i += 4;
            } else {
                sb.append(switch (next) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> next;
                });
            }
        }
        return sb.toString();
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The body as text, un-gzipped/inflated when so encoded. It may be cut at the cap: what decoded before it broke
     * off is read; with nothing decoded, the raw bytes are.
     */
    static String decode(byte[] body, String encoding) {
        ErrorBodies.Inflated in = ErrorBodies.inflate(body, encoding.trim().toLowerCase(Locale.ROOT));
        byte[] bytes = in != null && in.bytes().length > 0 ? in.bytes() : body;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Retry-After as delta-seconds or an HTTP date; 0 when absent or unreadable. */
    static long retryAfterMillis(HttpHeaders headers, long nowMillis) {
        String v = headers.firstValue("retry-after").orElse("").trim();
        if (v.isEmpty()) {
            return 0;
        }
        try {
            long seconds = Long.parseLong(v);
            return seconds > 0 ? Duration.ofSeconds(Math.min(seconds, 86_400)).toMillis() : 0;
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.max(0, Math.min(at - nowMillis, 86_400_000L));
            } catch (RuntimeException notADate) {
                return 0;
            }
        }
    }
}
