package llmproxy.proxy;

import com.sun.net.httpserver.HttpExchange;
import llmproxy.json.JsonStrings;
import llmproxy.protocol.Dialect;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The proxy's own error answers: OpenAI's envelope {@code {"error":{"message","type","code"}}}, or
 * Anthropic's {@code {"type":"error","error":{"type","message"}}} on Anthropic paths ({@code /v1/messages…}).
 */
public final class ErrorResponses {
    private ErrorResponses() {
        throw new AssertionError();
    }

    /** Sends the error and closes nothing; the caller owns the exchange. Failures to write are ignored. */
    public static void send(HttpExchange exchange, int status, String code, String message) {
        byte[] body = body(isAnthropic(exchange.getRequestURI().getRawPath()), status, code, message);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            sendFixed(exchange, status, body);
        } catch (IOException clientGone) {
            // The client left; nothing to tell it.
        }
    }

    /** Sends the error in the client's dialect; failures to write are ignored (the client left). */
    static void send(ClientResponse out, Dialect dialect, int status, String code, String message) {
        out.headers().set("Content-Type", "application/json");
        try {
            out.sendFixed(status, body(dialect, status, code, message));
        } catch (IOException clientGone) {
            // Nothing to tell a client that is gone.
        }
    }

    /** Sends {@code status} and a body known in full, with its length; none for HEAD or an empty body. */
    public static void sendFixed(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean none = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, none ? -1 : body.length);
        if (!none) {
            OutputStream out = exchange.getResponseBody();
            out.write(body);
            out.flush();
        }
    }

    static boolean isAnthropic(String path) {
        return path.startsWith("/v1/messages") || path.startsWith("/messages");
    }

    static byte[] body(Dialect dialect, int status, String code, String message) {
        return body(dialect == Dialect.ANTHROPIC, status, code, message);
    }

    static byte[] body(boolean anthropic, int status, String code, String message) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        if (anthropic) {
            sb.append("{\"type\":\"error\",\"error\":{\"type\":");
            JsonStrings.appendQuoted(sb, anthropicType(status));
            sb.append(",\"message\":");
            JsonStrings.appendQuoted(sb, message);
            sb.append("}}");
        } else {
            sb.append("{\"error\":{\"message\":");
            JsonStrings.appendQuoted(sb, message);
            sb.append(",\"type\":");
            JsonStrings.appendQuoted(sb, openAiType(status));
            sb.append(",\"code\":");
            JsonStrings.appendQuoted(sb, code);
            sb.append("}}");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An SSE event carrying an error, for a stream that broke after bytes reached the client, in the client's
     * own form: Anthropic's {@code event: error}, which its SDK raises, or OpenAI's in-band {@code data:} error.
     */
    static byte[] sseError(Dialect dialect, String code, String message) {
        if (dialect == Dialect.ANTHROPIC) {
            StringBuilder sb = new StringBuilder(96 + message.length());
            sb.append("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":");
            JsonStrings.appendQuoted(sb, message);
            sb.append("}}\n\n");
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        return sseError(code, message);
    }

    static byte[] sseError(String code, String message) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        sb.append("data: {\"error\":{\"message\":");
        JsonStrings.appendQuoted(sb, message);
        sb.append(",\"type\":\"upstream_error\",\"code\":");
        JsonStrings.appendQuoted(sb, code);
        sb.append("}}\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "invalid_request_error";
            case 429 -> "rate_limit_error";
            case 500 -> "server_error";
            default -> status >= 500 ? "upstream_error" : "invalid_request_error";
        };
    }

    private static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
