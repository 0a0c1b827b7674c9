package llmproxy.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import llmproxy.json.JsonBody;
import llmproxy.json.JsonException;
import llmproxy.json.JsonScanner;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static llmproxy.json.JsonStrings.quote;

/**
 * A fake Anthropic-style provider: {@code POST /v1/messages} as JSON, or, when {@code "stream": true}, as
 * Anthropic's SSE events (message_start, content_block_start, ping, content_block_delta…, content_block_stop,
 * message_delta, message_stop). Like the real one it wants {@code x-api-key} and {@code anthropic-version}.
 */
final class FakeAnthropic implements HttpHandler {
    static final String VERSION = "2023-06-01";

    private final String name;
    private final String key;
    private final List<String> models;
    private final Duration pace;
    private final AtomicLong messages = new AtomicLong();

    FakeAnthropic(String name, String key, List<String> models, Duration pace) {
        this.name = name;
        this.key = key;
        this.models = List.copyOf(models);
        this.pace = pace;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!key.equals(exchange.getRequestHeaders().getFirst("x-api-key"))) {
            error(exchange, 401, "authentication_error", "invalid x-api-key");
        } else if (exchange.getRequestHeaders().getFirst("anthropic-version") == null) {
            error(exchange, 400, "invalid_request_error", "anthropic-version: header is required");
        } else if (path.equals("/v1/messages") && exchange.getRequestMethod().equals("POST")) {
            message(exchange);
        } else {
            error(exchange, 404, "not_found_error", "Not found: " + exchange.getRequestMethod() + " " + path);
        }
    }

    private void message(HttpExchange exchange) throws IOException {
        byte[] body = FakeHttp.body(exchange);
        if (body == null) {
            error(exchange, 413, "request_too_large", "Request exceeds the demo's size limit");
            return;
        }
        JsonBody json;
        try {
            json = JsonScanner.scan(body, body.length);
        } catch (JsonException e) {
            error(exchange, 400, "invalid_request_error", "The request body is not valid JSON: " + e.getMessage());
            return;
        }
        String model = json.model();
        if (model == null || json.modelNotString()) {
            error(exchange, 400, "invalid_request_error", "model: Field required");
            return;
        }
        if (!models.contains(model)) {
            error(exchange, 404, "not_found_error", "model: " + model);
            return;
        }
        String id = "msg_demo_" + messages.incrementAndGet();
        String answer = "Hello from " + name + " (model " + model + "), a fake Anthropic-style provider inside llm-proxy -demo.";
        int inputTokens = FakeHttp.tokens(body.length);
        int outputTokens = FakeHttp.pieces(answer).size();
        if (json.stream()) {
            stream(exchange, id, model, answer, inputTokens, outputTokens);
        } else {
            FakeHttp.json(exchange, 200, "{\"id\":" + quote(id) + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                    + quote(model) + ",\"content\":[{\"type\":\"text\",\"text\":" + quote(answer) + "}],"
                    + "\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":" + usage(inputTokens, outputTokens) + "}");
        }
    }

    private void stream(HttpExchange exchange, String id, String model, String answer, int inputTokens, int outputTokens)
            throws IOException {
        OutputStream out = FakeHttp.eventStream(exchange);
        event(out, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":" + quote(id)
                + ",\"type\":\"message\",\"role\":\"assistant\",\"model\":" + quote(model) + ",\"content\":[],"
                + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":" + usage(inputTokens, 1) + "}}");
        event(out, "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        event(out, "ping", "{\"type\":\"ping\"}");
        for (String piece : FakeHttp.pieces(answer)) {
            FakeHttp.pause(pace);
            event(out, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(piece) + "}}");
        }
        event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}");
        event(out, "message_stop", "{\"type\":\"message_stop\"}");
    }

    private static String usage(int inputTokens, int outputTokens) {
        return "{\"input_tokens\":" + inputTokens + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
                + "\"output_tokens\":" + outputTokens + "}";
    }

    private static void event(OutputStream out, String type, String data) throws IOException {
        FakeHttp.event(out, "event: " + type + "\ndata: " + data);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        FakeHttp.json(exchange, status, "{\"type\":\"error\",\"error\":{\"type\":" + quote(type) + ",\"message\":"
                + quote(message) + "}}");
    }
}
