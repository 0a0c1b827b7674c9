package llmproxy.protocol;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

import java.nio.charset.StandardCharsets;

/**
 * Error bodies in each protocol's envelope: OpenAI {@code {"error":{"message","type","param","code"}}},
 * Anthropic {@code {"type":"error","error":{"type","message"}}}. Translating keeps the message; a body
 * that is not the expected envelope (an HTML page from a load balancer) becomes the message itself, cut
 * short.
 */
final class ErrorEnvelopes {
    private static final int MAX_MESSAGE_CHARS = 2000;

    private ErrorEnvelopes() {
        throw new AssertionError();
    }

    static JsonObject openAi(String message, String type, String param, String code) {
        return JsonObject.builder().put("error", JsonObject.builder()
                .put("message", message)
                .put("type", type)
                .put("param", param == null ? JsonNull.INSTANCE : new JsonString(param))
                .put("code", code == null ? JsonNull.INSTANCE : new JsonString(code))
                .build()).build();
    }

    static JsonObject anthropic(String type, String message) {
        return JsonObject.builder().put("type", "error")
                .put("error", JsonObject.builder().put("type", type).put("message", message).build()).build();
    }

    /** Anthropic's error type for an HTTP status, as its own API would name it. */
    static String anthropicType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** An Anthropic error body (status kept by the caller) in OpenAI's envelope. */
    static JsonObject anthropicToOpenAi(int status, byte[] body) {
        JsonObject error = inner(body);
        String type = error == null ? null : stringOrNull(error.get("type"));
        String message = error == null ? null : stringOrNull(error.get("message"));
        return openAi(message != null ? message : fallbackMessage(status, body),
                type != null ? type : anthropicType(status), null, null);
    }

    /** An OpenAI error body in Anthropic's envelope; the type follows the status, as Anthropic's does. */
    static JsonObject openAiToAnthropic(int status, byte[] body) {
        JsonObject error = inner(body);
        String message = error == null ? null : stringOrNull(error.get("message"));
        return anthropic(anthropicType(status), message != null ? message : fallbackMessage(status, body));
    }

    /** The in-band stream error of an Anthropic {@code error} event as OpenAI's {@code data: {"error":..}}. */
    static JsonObject anthropicEventToOpenAi(JsonObject event) {
        JsonObject error = event.get("error") instanceof JsonObject e ? e : null;
        String type = error == null ? null : stringOrNull(error.get("type"));
        String message = error == null ? null : stringOrNull(error.get("message"));
        return openAi(message != null ? message : "upstream stream error", type != null ? type : "api_error", null,
                null);
    }

    private static JsonObject inner(byte[] body) {
        try {
            if (JsonParser.parse(body) instanceof JsonObject o && o.get("error") instanceof JsonObject e) {
                return e;
            }
        } catch (JsonException e) {
            // Not JSON: the body text itself is the best message there is.
        }
        return null;
    }

    private static String stringOrNull(JsonValue v) {
        return v instanceof JsonString s ? s.value() : null;
    }

    private static String fallbackMessage(int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "upstream returned HTTP " + status;
        }
        return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "…" : text;
    }
}
