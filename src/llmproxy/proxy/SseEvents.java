package llmproxy.proxy;

import llmproxy.protocol.SseEvent;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Just enough SSE understanding for the passthrough to tell whether an event carries content yet, in OpenAI's and
 * Anthropic's stream shapes, without parsing JSON: the bytes still go to the client untouched.
 */
final class SseEvents {
    enum Kind { LIFECYCLE, CONTENT, ERROR }

    private static final HttpHeaders JSON = HttpHeaders.of(Map.of("content-type", List.of("application/json")),
            (a, b) -> true);

    private SseEvents() {
        throw new AssertionError();
    }

    /** The offset just past the blank line ending the first complete event at or after {@code from}, or -1. */
    static int end(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                if (i + 1 < b.length && b[i + 1] == '\n') {
                    return i + 2;
                }
                if (i + 2 < b.length && b[i + 1] == '\r' && b[i + 2] == '\n') {
                    return i + 3;
                }
            } else if (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\r') {
                return i + 2;
            }
        }
        return -1;
    }

    static Kind classify(SseEvent event) {
        String name = event.event();
        String d = event.data().strip();
        if (name == null && d.isEmpty()) {
            return Kind.LIFECYCLE; // an empty data line: nothing yet (comment-only events are not even dispatched)
        }
        if (name == null) {
            name = typeOf(d);
        }
        if ("error".equals(name) || d.startsWith("{") && keyFollows(d, "error")) {
            return Kind.ERROR;
        }
        if (name != null) {
            switch (name) {
                case "message_start", "ping" -> {
                    return Kind.LIFECYCLE;
                }
                case "content_block_start" -> {
                    return d.contains("\"text\"") && !nonEmptyString(d, "text") ? Kind.LIFECYCLE : Kind.CONTENT;
                }
                default -> {
                    if (name.startsWith("message_") || name.startsWith("content_block_")) {
                        return Kind.CONTENT;
                    }
                }
            }
        }
        if (!d.contains("\"choices\"")) {
            return Kind.CONTENT; // not a shape known to carry lifecycle-only events: never held back
        }
        boolean content = nonEmptyString(d, "content") || nonEmptyString(d, "reasoning_content")
                || nonEmptyString(d, "refusal") || nonEmptyString(d, "finish_reason") || d.contains("\"tool_calls\"")
                || d.contains("\"usage\":{");
        return content ? Kind.CONTENT : Kind.LIFECYCLE; // an OpenAI chunk with a role or empty text only
    }

    /** An in-band error event as the HTTP error it stands for, so the same detection rules judge it. */
    static Outcome.HttpError asHttpError(String data) {
        return new Outcome.HttpError(statusOf(data), JSON, data.getBytes(StandardCharsets.UTF_8));
    }

    private static int statusOf(String d) {
        String type = stringValue(d, "type", d.indexOf("\"error\""));
        String code = stringValue(d, "code", 0);
        String t = type == null ? (code == null ? "" : code) : type;
        return switch (t) {
            case "overloaded_error" -> 529;
            case "rate_limit_error", "rate_limit_exceeded", "insufficient_quota" -> 429;
            case "authentication_error", "invalid_api_key" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "invalid_request_error", "context_length_exceeded" -> 400;
            default -> 500;
        };
    }

    /** The value of the first {@code "type":"…"} in {@code d}. */
    private static String typeOf(String d) {
        return stringValue(d, "type", 0);
    }

    private static boolean keyFollows(String d, String key) {
        int i = 1;
        while (i < d.length() && Character.isWhitespace(d.charAt(i))) {
            i++;
        }
        return d.startsWith("\"" + key + "\"", i);
    }

    private static boolean nonEmptyString(String d, String key) {
        String v = stringValue(d, key, 0);
        return v != null && !v.isEmpty();
    }

    /** The string value of the first {@code "key": "…"} at or after {@code from} (escapes left as they are). */
    private static String stringValue(String d, String key, int from) {
        String quoted = "\"" + key + "\"";
        int i = d.indexOf(quoted, Math.max(0, from));
        while (i >= 0) {
            int j = i + quoted.length();
            while (j < d.length() && Character.isWhitespace(d.charAt(j))) {
                j++;
            }
            if (j < d.length() && d.charAt(j) == ':') {
                j++;
                while (j < d.length() && Character.isWhitespace(d.charAt(j))) {
                    j++;
                }
                if (j < d.length() && d.charAt(j) == '"') {
                    int k = j + 1;
                    while (k < d.length() && d.charAt(k) != '"') {
                        k += d.charAt(k) == '\\' ? 2 : 1;
                    }
                    return d.substring(j + 1, Math.min(k, d.length()));
                }
                return null;
            }
            i = d.indexOf(quoted, i + 1);
        }
        return null;
    }
}
