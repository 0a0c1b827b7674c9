package llmproxy.proxy;

import com.sun.net.httpserver.HttpExchange;
import llmproxy.config.Config;
import llmproxy.json.JsonBody;
import llmproxy.json.JsonException;
import llmproxy.json.JsonScanner;
import llmproxy.logging.Durations;
import llmproxy.logging.Level;
import llmproxy.logging.Log;
import llmproxy.logging.RequestTrace;
import llmproxy.routing.Candidate;
import llmproxy.routing.CandidateOrder;
import llmproxy.routing.CooldownRegistry;
import llmproxy.routing.Plan;
import llmproxy.routing.Snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves one proxied request: reads and checks the body, resolves the alias to candidates, tries them
 * in order (L1 then L2), cools failed ones down and relays the first answer worth relaying.
 */
public final class ProxyHandler {
    private final UpstreamClient upstream;
    private final CooldownRegistry cooldowns;
    private final CandidateOrder order;
    private final Log log;

    public ProxyHandler(UpstreamClient upstream, CooldownRegistry cooldowns, CandidateOrder order, Log log) {
        this.upstream = upstream;
        this.cooldowns = cooldowns;
        this.order = order;
        this.log = log;
    }

    /** Handles the exchange with the snapshot the request started with; the caller closes the exchange. */
    public void handle(HttpExchange exchange, String rid, String client, Snapshot snapshot) throws IOException {
        Config config = snapshot.config();
        long start = System.nanoTime();
        String path = exchange.getRequestURI().getRawPath();
        RequestTrace trace = new RequestTrace(rid, System.currentTimeMillis(), start, client,
                exchange.getRequestMethod(), path);
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
        }
        if (body == null) {
            if (limit == heapRoom) {
                log.error("[" + rid + "] request body of " + (declared < 0 ? "unknown size" : declared + " bytes")
                        + " does not fit in the heap; raise -Xmx or lower server.max_body_mb");
                refuseBody(exchange, trace, "request body does not fit in the proxy's memory");
            } else {
                refuseBody(exchange, trace, "request body is larger than " + config.server().maxBodyMb() + " MiB");
            }
            return;
        }
        JsonBody json;
        try {
            json = JsonScanner.scan(body, body.length);
        } catch (JsonException e) {
            trace.request(exchange.getRequestHeaders(), body, "");
            reject(exchange, trace, 400, "invalid_json", "request body is not a valid JSON object: " + e.getMessage());
            return;
        }
        trace.request(exchange.getRequestHeaders(), body, json.model() == null ? "" : json.model());
        if (json.modelNotString()) {
            reject(exchange, trace, 400, "invalid_model", "\"model\" must be a string");
            return;
        }
        if (json.model() == null || json.model().isEmpty()) {
            reject(exchange, trace, 400, "missing_model", "request body has no \"model\"");
            return;
        }
        String alias = json.model();
        if (log.isEnabled(Level.INFO)) {
            log.info("[" + rid + "] request: model=" + alias + " client=" + client + " path=" + path);
        }
        switch (snapshot.routes().plan(alias)) {
            case Plan.Unknown u -> reject(exchange, trace, 404, "model_not_found",
                    "model \"" + alias + "\" does not exist or is disabled");
            case Plan.NoBackend n -> reject(exchange, trace, 503, "no_available_backend",
                    "model \"" + alias + "\" has no enabled backend");
            case Plan.Tiers tiers -> {
                List<Candidate> candidates = order.order(tiers, cooldowns, config.fallback().maxRetries());
                tryCandidates(exchange, trace, config, body, json, candidates);
            }
        }
    }

    private void tryCandidates(HttpExchange exchange, RequestTrace trace, Config config, byte[] body, JsonBody json,
                               List<Candidate> candidates) throws IOException {
        String rid = trace.requestId();
        boolean useXApiKey = exchange.getRequestHeaders().containsKey("x-api-key");
        long headerTimeout = TimeUnit.SECONDS.toNanos(config.timeouts().responseHeaderSeconds());
        long idleTimeout = TimeUnit.SECONDS.toNanos(config.timeouts().streamIdleSeconds());
        long cooldownMillis = TimeUnit.SECONDS.toMillis(config.fallback().cooldownSeconds());
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Outcome last = null;
        StringBuilder failures = new StringBuilder();
        int n = 0;
        for (Candidate c : candidates) {
            n++;
            URI uri = UpstreamUrl.join(c.backend().url(), trace.path(), rawQuery);
            byte[] out = c.model().equals(json.model()) ? body : json.withModel(body, c.model());
            long t0 = System.nanoTime();
            if (log.isEnabled(Level.DEBUG)) {
                log.debug("[" + rid + "] attempt " + n + "/" + candidates.size() + ": backend=" + c.backend().name()
                        + " model=" + c.model() + " via=" + c.viaAlias() + " url=" + uri);
            }
            Outcome outcome = upstream.send(new UpstreamClient.Attempt(uri, exchange.getRequestMethod(),
                    exchange.getRequestHeaders(), out, c.backend(), useXApiKey, rid), headerTimeout, idleTimeout);
            if (outcome instanceof Outcome.Success s) {
                relaySuccess(exchange, trace, c, uri, s, json.stream(), idleTimeout, cooldownMillis, t0);
                return;
            }
            FailurePolicy.Decision d = FailurePolicy.decide(outcome, config.detection(), cooldownMillis,
                    cooldowns.nowMillis());
            int status = outcome instanceof Outcome.HttpError e ? e.status() : -1;
            String reason = outcome instanceof Outcome.Transport t ? t.reason() : null;
            if (!d.fallback()) {
                trace.attempt(attempt(c, uri, status, null, "returned to client (" + d.why() + ")", t0,
                        System.nanoTime()));
                relayError(exchange, trace, c.backend().name(), (Outcome.HttpError) outcome);
                return;
            }
            String action = "fallback";
            if (d.cooldownMillis() > 0) {
                long until = cooldowns.coolDown(c.pair(), d.cooldownMillis());
                action = "fallback, cooldown until " + Instant.ofEpochMilli(until);
                log.warn("[" + rid + "] cooldown set: backend=" + c.backend().name() + " model=" + c.model()
                        + " for " + d.cooldownMillis() / 1000 + "s until " + Instant.ofEpochMilli(until));
            }
            trace.attempt(attempt(c, uri, status, reason, action, t0, System.nanoTime()));
            log.warn("[" + rid + "] attempt failed: backend=" + c.backend().name() + " model=" + c.model() + " "
                    + d.why() + (n < candidates.size() ? "; falling back" : ""));
            if (!failures.isEmpty()) {
                failures.append("; ");
            }
            failures.append(c.backend().name()).append('/').append(c.model()).append(": ").append(d.why());
            last = outcome;
        }
        String allFailed = "[" + rid + "] all backends failed for model=" + json.model() + ": " + failures;
        if (last instanceof Outcome.HttpError e && e.status() < 500) {
            log.warn(allFailed); // every backend refused this request: most likely the client's fault
        } else {
            log.error(allFailed);
        }
        if (last instanceof Outcome.HttpError e) {
            relayError(exchange, trace, "", e);
        } else {
            reject(exchange, trace, 502, "all_backends_failed", "all backends failed: " + failures);
        }
    }

    private void relaySuccess(HttpExchange exchange, RequestTrace trace, Candidate c, URI uri, Outcome.Success s,
                              boolean requestedStream, long idleTimeout, long cooldownMillis, long t0) {
        int status = s.response().statusCode();
        Relay.Result r = Relay.relay(exchange, s.response(), requestedStream, idleTimeout);
        long end = System.nanoTime();
        trace.firstByte(r.firstByteNanos());
        String rid = trace.requestId();
        switch (r.end()) {
            case COMPLETE -> {
                trace.attempt(attempt(c, uri, status, null, "relayed", t0, end));
                trace.finish(status, c.backend().name(), "ok", end);
                if (log.isEnabled(Level.INFO)) {
                    log.info("[" + rid + "] request succeeded: backend=" + c.backend().name() + " model=" + c.model()
                            + " status=" + status + " took=" + Durations.millis(end - trace.startNanos()));
                }
                log.request(trace);
            }
            case CLIENT_GONE -> {
                trace.attempt(attempt(c, uri, status, "client disconnected", "upstream cancelled", t0, end));
                trace.finish(499, c.backend().name(), "client disconnected", end);
                log.info("[" + rid + "] client disconnected: backend=" + c.backend().name() + " after "
                        + Durations.millis(end - trace.startNanos()) + "; upstream request cancelled");
                log.request(trace);
            }
            case UPSTREAM_BROKE -> {
                trace.attempt(attempt(c, uri, status, r.reason(), "stream broken", t0, end));
                trace.finish(502, c.backend().name(), "upstream broke mid-response: " + r.reason(), end);
                long until = cooldowns.coolDown(c.pair(), cooldownMillis);
                log.error("[" + rid + "] upstream broke mid-response: backend=" + c.backend().name() + " model="
                        + c.model() + " reason=" + r.reason() + "; cooldown until " + Instant.ofEpochMilli(until));
                log.request(trace);
                boolean sse = Relay.isEventStream(s.response());
                if (!sse) {
                    throw new AbortConnection(r.reason());
                }
                try {
                    OutputStream out = exchange.getResponseBody();
                    out.write(ErrorResponses.sseError("stream_interrupted",
                            "upstream stream from " + c.backend().name() + " broke: " + r.reason()));
                    out.flush();
                } catch (IOException clientGone) {
                    // Nothing more to tell.
                }
            }
        }
    }

    private static RequestTrace.Attempt attempt(Candidate c, URI uri, int status, String error, String action,
                                                long start, long end) {
        return new RequestTrace.Attempt(c.backend().name(), c.model(), uri.toString(), status, error, action, start,
                end);
    }

    private void relayError(HttpExchange exchange, RequestTrace trace, String backend, Outcome.HttpError e) {
        HeaderFilter.copyErrorHeaders(e.headers(), exchange.getResponseHeaders());
        try {
            ErrorResponses.sendFixed(exchange, e.status(), e.body());
        } catch (IOException clientGone) {
            // The client left; the trace still records what it would have got.
        }
        long end = System.nanoTime();
        trace.firstByte(end);
        trace.finish(e.status(), backend, "upstream error " + e.status(), end);
        log.request(trace);
    }

    /** 413; the connection closes, since the rest of the body is not going to be read. */
    private void refuseBody(HttpExchange exchange, RequestTrace trace, String message) {
        exchange.getResponseHeaders().set("Connection", "close");
        reject(exchange, trace, 413, "request_too_large", message);
    }

    private void reject(HttpExchange exchange, RequestTrace trace, int status, String code, String message) {
        ErrorResponses.send(exchange, status, code, message);
        long end = System.nanoTime();
        trace.finish(status, "", code + ": " + message, end);
        if (status >= 500 || log.isEnabled(Level.INFO)) {
            String line = "[" + trace.requestId() + "] request rejected: status=" + status + " code=" + code + " "
                    + message;
            if (status >= 500) {
                log.error(line);
            } else {
                log.info(line);
            }
        }
        log.request(trace);
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
