package llmproxy.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the proxy presents a backend's {@code api_key}: the {@code auth:} setting of a backend.
 * {@link Auto} exists only in config; {@link Backend#effectiveAuth()} resolves it to a concrete style,
 * or to {@link Client}, "the style the client used" (Bearer, or {@code x-api-key} when the client sent one).
 */
public sealed interface AuthStyle {
    /** An RFC 9110 token: what a header or query parameter name may contain. */
    Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** Chosen by the backend's host, see {@link Backend#effectiveAuth()}. */
    record Auto() implements AuthStyle {
    }

    /** Bearer when the client sent Bearer, {@code x-api-key} when the client sent {@code x-api-key}. */
    record Client() implements AuthStyle {
    }

    /** {@code Authorization: Bearer KEY}. */
    record Bearer() implements AuthStyle {
    }

    /** {@code NAME: KEY}, e.g. {@code x-api-key}, {@code api-key}, {@code x-goog-api-key}. */
    record Header(String name) implements AuthStyle {
    }

    /** {@code ?NAME=KEY} appended to the upstream URL (URL-encoded). */
    record Query(String name) implements AuthStyle {
    }

    /** The key is never sent. */
    record None() implements AuthStyle {
    }

    AuthStyle AUTO = new Auto();
    AuthStyle CLIENT = new Client();
    AuthStyle BEARER = new Bearer();
    AuthStyle X_API_KEY = new Header("x-api-key");
    AuthStyle API_KEY = new Header("api-key");
    AuthStyle NONE = new None();

    String FORMS = "auto, bearer, x-api-key, api-key, x-goog-api-key, header:NAME, query:NAME or none";

    /** @throws IllegalArgumentException saying which forms are accepted */
    static AuthStyle parse(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        AuthStyle named = switch (lower) {
            case "auto" -> AUTO;
            case "bearer" -> BEARER;
            case "x-api-key", "api-key", "x-goog-api-key" -> new Header(lower);
            case "none" -> NONE;
            default -> null;
        };
        if (named != null) {
            return named;
        }
        int colon = t.indexOf(':');
        String kind = colon < 0 ? "" : lower.substring(0, colon);
        String name = colon < 0 ? "" : t.substring(colon + 1).strip();
        if ((kind.equals("header") || kind.equals("query")) && TOKEN.matcher(name).matches()) {
            return kind.equals("header") ? new Header(name) : new Query(name);
        }
        throw new IllegalArgumentException("must be one of " + FORMS + ", got \"" + text + "\"");
    }

    /** The config spelling; {@link Client} reads "client's style". */
    default String label() {
        return switch (this) {
            case Auto a -> "auto";
            case Client c -> "client's style";
            case Bearer b -> "bearer";
            case Header h -> switch (h.name().toLowerCase(Locale.ROOT)) {
                case "x-api-key", "api-key", "x-goog-api-key" -> h.name().toLowerCase(Locale.ROOT);
                default -> "header:" + h.name();
            };
            case Query q -> "query:" + q.name();
            case None n -> "none";
        };
    }
}
