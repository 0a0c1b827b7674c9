package llmproxy.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import llmproxy.json.JsonBody;
import llmproxy.json.JsonException;
import llmproxy.json.JsonScanner;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import static llmproxy.json.JsonStrings.quote;

/**
 * A fake OpenAI-style provider: {@code POST /v1/chat/completions} (JSON, or SSE in OpenAI's chunk shape
 * when {@code "stream": true}) and {@code GET /v1/models}. Like the real one it wants
 * {@code Authorization: Bearer KEY} and a model it serves, so a proxy that forgot to swap the key or the
 * model name is refused. Chat requests for which {@code fails} holds (counted from 1) get a 503.
 */
final class FakeOpenAi implements HttpHandler {
    private final String name;
    private final String key;
    private final List<String> models;
    private final LongPredicate fails;
    private final Clock clock;
    private final Duration pace;
    private final AtomicLong chats = new AtomicLong();

    FakeOpenAi(String name, String key, List<String> models, LongPredicate fails, Clock clock, Duration pace) {
        this.name = name;
        this.key = key;
        this.models = List.copyOf(models);
        this.fails = fails;
        this.clock = clock;
        this.pace = pace;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (!("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            error(exchange, 401, "Incorrect API key provided to " + name + ".", "invalid_request_error", "invalid_api_key");
        } else if (path.equals("/v1/chat/completions") && method.equals("POST")) {
            chat(exchange);
        } else if (path.equals("/v1/models") && method.equals("GET")) {
            FakeHttp.json(exchange, 200, modelList());
        } else {
            error(exchange, 404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null);
        }
    }

    private void chat(HttpExchange exchange) throws IOException {
        byte[] body = FakeHttp.body(exchange);
        if (body == null) {
            error(exchange, 413, "Request too large for the demo.", "invalid_request_error", null);
            return;
        }
        JsonBody json;
        try {
            json = JsonScanner.scan(body, body.length);
        } catch (JsonException e) {
            error(exchange, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null);
            return;
        }
        String model = json.model();
        if (model == null || json.modelNotString()) {
            error(exchange, 400, "you must provide a model parameter", "invalid_request_error", null);
            return;
        }
        if (!models.contains(model)) {
            error(exchange, 404, "The model `" + model + "` does not exist or you do not have access to it.",
                    "invalid_request_error", "model_not_found");
            return;
        }
        long n = chats.incrementAndGet();
        if (fails.test(n)) {
            error(exchange, 503, name + " is overloaded (request " + n + " fails on purpose).", "server_error", null);
            return;
        }
        String id = "chatcmpl-demo-" + n;
        String answer = "Hello from " + name + " (model " + model + "), a fake OpenAI-style provider inside llm-proxy -demo.";
        if (json.stream()) {
            stream(exchange, id, model, answer);
        } else {
            FakeHttp.json(exchange, 200, completion(id, model, answer, FakeHttp.tokens(body.length)));
        }
    }

    private String completion(String id, String model, String answer, int promptTokens) {
        int completionTokens = FakeHttp.pieces(answer).size();
        return "{\"id\":" + quote(id) + ",\"object\":\"chat.completion\",\"created\":" + created()
                + ",\"model\":" + quote(model) + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":" + quote(answer) + ",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens
                + ",\"total_tokens\":" + (promptTokens + completionTokens)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0}},\"system_fingerprint\":null}";
    }

    /** Role first, then the text piece by piece, then the finish reason, then {@code [DONE]}. */
    private void stream(HttpExchange exchange, String id, String model, String answer) throws IOException {
        String head = "{\"id\":" + quote(id) + ",\"object\":\"chat.completion.chunk\",\"created\":" + created()
                + ",\"model\":" + quote(model) + ",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":";
        OutputStream out = FakeHttp.eventStream(exchange);
        FakeHttp.event(out, "data: " + head + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}");
        for (String piece : FakeHttp.pieces(answer)) {
            FakeHttp.pause(pace);
            FakeHttp.event(out, "data: " + head + "{\"content\":" + quote(piece) + "},\"logprobs\":null,\"finish_reason\":null}]}");
        }
        FakeHttp.event(out, "data: " + head + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}");
        FakeHttp.event(out, "data: [DONE]");
    }

    private String modelList() {
        StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < models.size(); i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(quote(models.get(i)))
                    .append(",\"object\":\"model\",\"created\":").append(created()).append(",\"owned_by\":\"demo\"}");
        }
        return sb.append("]}").toString();
    }

    private long created() {
        return clock.instant().getEpochSecond();
    }

    private static void error(HttpExchange exchange, int status, String message, String type, String code)
            throws IOException {
        FakeHttp.json(exchange, status, "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type)
                + ",\"param\":null,\"code\":" + (code == null ? "null" : quote(code)) + "}}");
    }
}
