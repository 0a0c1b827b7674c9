package llmproxy.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import llmproxy.config.Secret;
import llmproxy.logging.Log;
import llmproxy.proxy.AbortConnection;
import llmproxy.proxy.ErrorResponses;
import llmproxy.proxy.ProxyHandler;
import llmproxy.routing.Snapshot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The one HttpServer handler: assigns the request id, answers health checks without touching the
 * config, authenticates everything else, and routes by exact raw path. The single place where an
 * unexpected exception becomes a 500.
 */
final class Dispatcher implements HttpHandler {
    private static final byte[] OK = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DRAINING = "{\"status\":\"draining\"}".getBytes(StandardCharsets.UTF_8);

    private final Supplier<Snapshot> snapshots;
    private final ProxyHandler proxy;
    private final RequestIds ids;
    private final Log log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    Dispatcher(Supplier<Snapshot> snapshots, ProxyHandler proxy, RequestIds ids, Log log) {
        this.snapshots = snapshots;
        this.proxy = proxy;
        this.ids = ids;
        this.log = log;
    }

    /** From now on /health answers 503, so load balancers stop sending traffic. */
    void startDraining() {
        draining = true;
    }

    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void handle(HttpExchange exchange) {
        String rid = ids.idFor(exchange.getRequestHeaders().getFirst("X-Request-ID"));
        exchange.getResponseHeaders().set("X-Request-ID", rid);
        boolean abort = false;
        try {
            route(exchange, rid);
        } catch (AbortConnection e) {
            // Closing the exchange would end a chunked body cleanly and hide the cut; HttpServer drops the
            // connection instead when the exception leaves the handler.
            abort = true;
            throw e;
        } catch (IOException clientGone) {
            log.debug("[" + rid + "] client connection failed: " + clientGone.getMessage());
        } catch (RuntimeException | Error e) {
            log.error("[" + rid + "] unexpected error handling " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI().getRawPath(), e);
            if (exchange.getResponseCode() == -1) {
                ErrorResponses.send(exchange, 500, "internal_error",
                        "internal error; request id " + rid);
            }
        } finally {
            if (!abort) {
                exchange.close();
            }
        }
    }

    private void route(HttpExchange exchange, String rid) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (PathRules.isHealth(path)) {
            if (!isGet(method)) {
                methodNotAllowed(exchange, "GET, HEAD");
                return;
            }
            sendJson(exchange, draining ? 503 : 200, draining ? DRAINING : OK);
            return;
        }
        Snapshot snapshot = snapshots.get();
        Secret key = snapshot.config().proxyApiKey();
        if (key.isSet() && !isAuthorized(exchange.getRequestHeaders(), key)) {
            log.warn("[" + rid + "] authentication failed: client=" + clientIp(exchange) + " path=" + path);
            ErrorResponses.send(exchange, 401, "invalid_api_key", "missing or invalid API key");
            return;
        }
        if (PathRules.isModelList(path)) {
            if (isGet(method)) {
                sendJson(exchange, 200, ModelsResponse.list(snapshot));
            } else {
                methodNotAllowed(exchange, "GET, HEAD");
            }
            return;
        }
        String modelId = PathRules.modelId(path);
        if (modelId != null && isGet(method)) {
            byte[] model = ModelsResponse.one(snapshot, modelId);
            if (model == null) {
                ErrorResponses.send(exchange, 404, "model_not_found", "model \"" + modelId + "\" does not exist");
            } else {
                sendJson(exchange, 200, model);
            }
            return;
        }
        if (!PathRules.isProxied(path)) {
            ErrorResponses.send(exchange, 404, "not_found", "unknown path " + safe(path));
            return;
        }
        if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
            methodNotAllowed(exchange, "POST");
            return;
        }
        int limit = snapshot.config().server().maxConcurrent();
        int now = inFlight.incrementAndGet();
        try {
            if (limit > 0 && now > limit) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                ErrorResponses.send(exchange, 503, "too_many_requests",
                        "the proxy is at its limit of " + limit + " concurrent requests; retry shortly");
                log.warn("[" + rid + "] rejected: " + limit + " concurrent requests in flight");
                return;
            }
            proxy.handle(exchange, rid, clientIp(exchange), snapshot);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** {@code Authorization: Bearer KEY} (scheme in any case) or {@code x-api-key: KEY}, compared in constant time. */
    static boolean isAuthorized(Headers headers, Secret key) {
        String auth = headers.getFirst("Authorization");
        if (auth != null && auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && key.matches(auth.substring(7).trim())) {
            return true;
        }
        String xApiKey = headers.getFirst("x-api-key");
        return xApiKey != null && key.matches(xApiKey.trim());
    }

    private static boolean isGet(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static void methodNotAllowed(HttpExchange exchange, String allow) {
        exchange.getResponseHeaders().set("Allow", allow);
        ErrorResponses.send(exchange, 405, "method_not_allowed",
                exchange.getRequestMethod() + " is not allowed here; use " + allow);
    }

    private static void sendJson(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        ErrorResponses.sendFixed(exchange, status, body);
    }

    static String clientIp(HttpExchange exchange) {
        InetSocketAddress remote = exchange.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "?" : remote.getAddress().getHostAddress();
    }

    /** A path echoed in an error, cut short and without control characters. */
    private static String safe(String path) {
        String p = path.length() > 200 ? path.substring(0, 200) + "…" : path;
        return p.replaceAll("[\\p{Cntrl}]", "?");
    }
}
