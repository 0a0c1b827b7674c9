package llmproxy.server;

import com.sun.net.httpserver.HttpExchange;
import llmproxy.access.Caller;
import llmproxy.logging.Log;
import llmproxy.metrics.ProxyMetrics;
import llmproxy.proxy.ErrorResponses;
import llmproxy.routing.Candidate;
import llmproxy.routing.Snapshot;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** {@code GET /metrics}, {@code GET /status} and {@code DELETE /status/cooldowns}; the caller is already allowed. */
final class AdminEndpoints {
    private final Operations ops;
    private final IntSupplier inFlight;
    private final Log log;

    AdminEndpoints(Operations ops, IntSupplier inFlight, Log log) {
        this.ops = ops;
        this.inFlight = inFlight;
        this.log = log;
    }

    static boolean isAdminPath(String path) {
        return path.equals("/metrics") || path.equals("/status") || path.equals("/status/cooldowns");
    }

    void handle(HttpExchange exchange, String rid, Snapshot snapshot, Caller caller) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        boolean get = method.equals("GET") || method.equals("HEAD");
        log.info("[" + rid + "] admin " + method + " " + path + " by key_name=" + caller.name());
        switch (path) {
            case "/metrics" -> {
                if (get) {
                    exchange.getResponseHeaders().set("Content-Type", ProxyMetrics.contentType());
                    ErrorResponses.sendFixed(exchange, 200, ops.metrics.scrape().getBytes(StandardCharsets.UTF_8));
                } else {
                    methodNotAllowed(exchange, "GET, HEAD");
                }
            }
            case "/status" -> {
                if (get) {
                    String json = StatusReport.json(ops.version, ops.startedAtMillis, ops.clock.millis(),
                            ops.configState(), snapshot, ops.cooldowns, ops.metrics, inFlight.getAsInt());
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    ErrorResponses.sendFixed(exchange, 200, json.getBytes(StandardCharsets.UTF_8));
                } else {
                    methodNotAllowed(exchange, "GET, HEAD");
                }
            }
            default -> {
                if (method.equals("DELETE")) {
                    clearCooldowns(exchange, rid, caller);
                } else {
                    methodNotAllowed(exchange, "DELETE");
                }
            }
        }
    }

    /** All cooldowns, or one pair's with {@code ?backend=&model=}; logged, because it changes routing. */
    private void clearCooldowns(HttpExchange exchange, String rid, Caller caller) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        String backend = q.get("backend");
        String model = q.get("model");
        int cleared;
        String what;
        if (backend == null && model == null) {
            cleared = ops.cooldowns.clearAll();
            what = "all cooldowns";
        } else if (backend == null || model == null) {
            ErrorResponses.send(exchange, 400, "invalid_request",
                    "give both backend and model, or neither to clear every cooldown");
            return;
        } else {
            cleared = ops.cooldowns.clear(new Candidate.Pair(backend, model)) ? 1 : 0;
            what = ("the cooldown of backend=" + backend + " model=" + model).replaceAll("\\p{Cntrl}", "?");
        }
        log.warn("[" + rid + "] cooldowns cleared by key_name=" + caller.name() + ": " + what + " (" + cleared + " active)");
        JsonWriter w = new JsonWriter().beginObject().name("cleared").value(cleared).endObject();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        ErrorResponses.sendFixed(exchange, 200, w.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> result = new HashMap<>();
        if (raw == null) {
            return result;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                try {
                    result.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    // A bad escape: ignore the parameter, as if it were absent.
                }
            }
        }
        return result;
    }

    private static void methodNotAllowed(HttpExchange exchange, String allow) {
        exchange.getResponseHeaders().set("Allow", allow);
        ErrorResponses.send(exchange, 405, "method_not_allowed",
                exchange.getRequestMethod() + " is not allowed here; use " + allow);
    }
}
