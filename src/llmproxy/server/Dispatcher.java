package llmproxy.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import llmproxy.access.Access;
import llmproxy.access.Caller;
import llmproxy.access.Decision;
import llmproxy.logging.Log;
import llmproxy.proxy.AbortConnection;
import llmproxy.proxy.ErrorResponses;
import llmproxy.proxy.ProxyHandler;
import llmproxy.proxy.Text;
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
    private final Operations ops;
    private final AdminEndpoints admin;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    Dispatcher(Supplier<Snapshot> snapshots, ProxyHandler proxy, RequestIds ids, Log log, Operations ops) {
        this.snapshots = snapshots;
        this.proxy = proxy;
        this.ids = ids;
        this.log = log;
        this.ops = ops;
        this.admin = new AdminEndpoints(ops, inFlight::get, log);
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
        Access access = ops.access(snapshot.config());
        Caller caller = callerOf(access, exchange.getRequestHeaders());
        if (caller instanceof Caller.Unknown) {
            log.warn("[" + rid + "] authentication failed: client=" + clientIp(exchange) + " path=" + Text.safe(path));
            ErrorResponses.send(exchange, 401, "invalid_api_key", "missing or invalid API key");
            return;
        }
        if (AdminEndpoints.isAdminPath(path)) {
            if (access.mayAdminister(caller)) {
                admin.handle(exchange, rid, snapshot, caller);
            } else {
                log.warn("[" + rid + "] admin request refused: key_name=" + caller.name() + " path=" + path);
                ErrorResponses.send(exchange, 403, "permission_denied", "this key may not use " + path);
            }
            return;
        }
        if (!access.mayProxy(caller)) {
            ErrorResponses.send(exchange, 403, "permission_denied",
                    "the admin key is for /metrics and /status only; use a client key for model requests");
            return;
        }
        if (PathRules.isModelList(path)) {
            if (isGet(method)) {
                sendJson(exchange, 200, ModelsResponse.list(snapshot, alias -> access.mayUse(caller, alias)));
            } else {
                methodNotAllowed(exchange, "GET, HEAD");
            }
            return;
        }
        String modelId = PathRules.modelId(path);
        if (modelId != null && isGet(method)) {
            byte[] model = access.mayUse(caller, modelId) ? ModelsResponse.one(snapshot, modelId) : null;
            if (model == null) {
                ErrorResponses.send(exchange, 404, "model_not_found", "model \"" + modelId + "\" does not exist");
            } else {
                sendJson(exchange, 200, model);
            }
            return;
        }
        if (!PathRules.isProxied(path)) {
            ErrorResponses.send(exchange, 404, "not_found", "unknown path " + Text.safe(path));
            return;
        }
        if (!method.equals("POST") && !method.equals("PUT") && !method.equals("PATCH")) {
            methodNotAllowed(exchange, "POST");
            return;
        }
        if (caller instanceof Caller.Client client
                && ops.limiter.acquire(client.key()) instanceof Decision.Limited limited) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(limited.retryAfterSeconds()));
            ErrorResponses.send(exchange, 429, "rate_limit_exceeded", limited.message());
            log.info("[" + rid + "] rate limited: key_name=" + caller.name());
            return;
        }
        int limit = snapshot.config().server().maxConcurrent();
        int now = inFlight.incrementAndGet();
        ops.metrics.requestStarted();
        try {
            if (limit > 0 && now > limit) {
                exchange.getResponseHeaders().set("Retry-After", "1");
                ErrorResponses.send(exchange, 503, "too_many_requests",
                        "the proxy is at its limit of " + limit + " concurrent requests; retry shortly");
                log.warn("[" + rid + "] rejected: " + limit + " concurrent requests in flight");
                return;
            }
            proxy.handle(exchange, rid, clientIp(exchange), snapshot, access, caller);
        } finally {
            inFlight.decrementAndGet();
            ops.metrics.requestEnded();
        }
    }

    /**
     * The caller of {@code Authorization: Bearer KEY} (scheme in any case) or, when that names nobody, of
     * {@code x-api-key: KEY}. Every comparison is constant-time ({@link Access#identify}).
     */
    static Caller callerOf(Access access, Headers headers) {
        String auth = headers.getFirst("Authorization");
        Caller byBearer = auth != null && auth.length() > 7 && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? access.identify(auth.substring(7).trim()) : access.identify(null);
        String xApiKey = headers.getFirst("x-api-key");
        if (xApiKey == null || byBearer instanceof Caller.Client || byBearer instanceof Caller.Admin) {
            return byBearer;
        }
        return access.identify(xApiKey.trim());
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
        if (remote == null || remote.getAddress() == null) {
            return "?";
        }
        String ip = remote.getAddress().getHostAddress();
        return ip.indexOf(':') >= 0 ? HostPort.compress(ip) : ip;
    }

    /** A path echoed in an error, cut short and without control characters. */
}
