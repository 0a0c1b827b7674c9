package llmproxy.proxy;

import com.sun.net.httpserver.HttpExchange;
import llmproxy.access.Access;
import llmproxy.access.Caller;
import llmproxy.access.Decision;
import llmproxy.config.Config;
import llmproxy.json.JsonBody;
import llmproxy.json.JsonException;
import llmproxy.json.JsonScanner;
import llmproxy.logging.Level;
import llmproxy.logging.Log;
import llmproxy.logging.RequestTrace;
import llmproxy.protocol.Dialect;
import llmproxy.routing.CandidateOrder;
import llmproxy.routing.CooldownRegistry;
import llmproxy.routing.Plan;
import llmproxy.routing.Snapshot;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.concurrent.TimeUnit;

/**
 * Serves one proxied request. The story: read the body into a {@link ProxyRequest}; resolve the alias to
 * candidates; for each, its {@link Protocol} prepares the attempt, the {@link UpstreamClient} sends it and the
 * {@link FailurePolicy} judges a failure (fall back, cool down); the first answer worth relaying goes to the
 * client through the same protocol. Every way out is one {@link RequestResult}, finished in one place.
 */
public final class ProxyHandler {
    /** What the attempts of every request share: the running proxy's parts. */
    record Parts(UpstreamClient upstream, CooldownRegistry cooldowns, Log log, StreamRescue rescue,
                 List<RequestListener> listeners, Supplier<RandomGenerator> random) {
    }

    private final Parts parts;
    private final CandidateOrder order;
    private final Log log;
    private final WriteWatchdog watchdog;
    private final RequestEnd end;

    public ProxyHandler(UpstreamClient upstream, CooldownRegistry cooldowns, CandidateOrder order, Log log,
                        WriteWatchdog watchdog, List<RequestListener> listeners, Supplier<RandomGenerator> random) {
        this.parts = new Parts(upstream, cooldowns, log, new StreamRescue(upstream, log), List.copyOf(listeners),
                random);
        this.order = order;
        this.log = log;
        this.watchdog = watchdog;
        this.end = new RequestEnd(log, listeners);
    }

    /**
     * Handles the exchange with the snapshot the request started with; the caller closes the exchange.
     * {@code access} says which models {@code caller} may use.
     */
    public void handle(HttpExchange exchange, String rid, String client, Snapshot snapshot, Access access,
                       Caller caller) {
        long start = System.nanoTime();
        RequestTrace trace = new RequestTrace(rid, System.currentTimeMillis(), start, client,
                exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
        trace.keyName(caller.name());
        long writeTimeout = TimeUnit.SECONDS.toNanos(snapshot.config().server().writeTimeoutSeconds());
        RequestResult result;
        try (ClientResponse out = new ClientResponse(exchange, watchdog, writeTimeout)) {
            result = serve(exchange, snapshot, trace, out, access, caller);
        }
        end.finish(result, trace);
        if (result instanceof RequestResult.StreamBroke b && !b.inBand()) {
            throw new AbortConnection(b.reason());
        }
    }

    private RequestResult serve(HttpExchange exchange, Snapshot snapshot, RequestTrace trace, ClientResponse out,
                                Access access, Caller caller) {
        Config config = snapshot.config();
        String path = trace.path();
        Dialect dialect = Dialect.ofPath(path);
        long declared = declaredLength(exchange);
        // The body and its rewritten copy must fit in the heap, so a small heap lowers the limit; an
        // OutOfMemoryError while buffering (several big bodies at once) is refused the same way.
        long heapRoom = Runtime.getRuntime().maxMemory() / 2;
        long limit = Math.min(config.server().maxBodyBytes(), heapRoom);
        byte[] body;
        try {
            body = BodyReader.read(exchange.getRequestBody(), declared, limit);
        } catch (OutOfMemoryError e) {
            body = null;
            limit = heapRoom;
        } catch (IOException e) {
            return new RequestResult.ClientGone(null, "request body unreadable: " + Text.safe(e.getMessage()));
        }
        if (body == null) {
            // The rest of the body is not going to be read, so the connection cannot be reused.
            out.headers().set("Connection", "close");
            return reject(out, dialect, 413, "request_too_large", limit == heapRoom
                    ? "request body does not fit in the proxy's memory (raise -Xmx or lower server.max_body_mb)"
                    : "request body is larger than " + config.server().maxBodyMb() + " MiB");
        }
        JsonBody json;
        try {
            json = JsonScanner.scan(body, body.length);
        } catch (JsonException e) {
            trace.request(exchange.getRequestHeaders(), body, "");
            return reject(out, dialect, 400, "invalid_json",
                    "request body is not a valid JSON object: " + e.getMessage());
        }
        trace.request(exchange.getRequestHeaders(), body, json.model() == null ? "" : json.model());
        if (json.modelNotString()) {
            return reject(out, dialect, 400, "invalid_model", "\"model\" must be a string");
        }
        if (json.model() == null || json.model().isEmpty()) {
            return reject(out, dialect, 400, "missing_model", "request body has no \"model\"");
        }
        if (access.allows(caller, json.model()) instanceof Decision.Forbidden f) {
            return reject(out, dialect, 403, "permission_denied", f.message());
        }
        trace.stream(json.stream());
        ProxyRequest request = new ProxyRequest(trace.requestId(), trace.client(), exchange.getRequestMethod(), path,
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body, json, dialect, snapshot,
                trace.startNanos());
        if (log.isEnabled(Level.DEBUG)) {
            log.debug("[" + request.id() + "] request: model=" + request.alias() + " client=" + request.client()
                    + " path=" + path);
        }
        return switch (snapshot.routes().plan(request.alias())) {
            case Plan.Unknown u -> reject(out, dialect, 404, "model_not_found",
                    "model \"" + Text.safe(request.alias()) + "\" does not exist or is disabled");
            case Plan.NoBackend n -> reject(out, dialect, 503, "no_available_backend",
                    "model \"" + request.alias() + "\" has no enabled backend");
            case Plan.Tiers tiers -> new Attempts(parts, request, trace, out,
                    order.order(tiers, parts.cooldowns(), config.fallback().maxRetries())).run();
        };
    }

    static RequestResult reject(ClientResponse out, Dialect dialect, int status, String code, String message) {
        ErrorResponses.send(out, dialect, status, code, message);
        return new RequestResult.Rejected(status, code, message);
    }

    private static long declaredLength(HttpExchange exchange) {
        String cl = exchange.getRequestHeaders().getFirst("Content-Length");
        if (cl == null || exchange.getRequestHeaders().containsKey("Transfer-Encoding")) {
            return -1;
        }
        try {
            return Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
