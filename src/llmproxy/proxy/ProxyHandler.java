package llmproxy.proxy;

import com.sun.net.httpserver.HttpExchange;
import llmproxy.config.Config;
import llmproxy.json.JsonBody;
import llmproxy.json.JsonException;
import llmproxy.json.JsonScanner;
import llmproxy.logging.Level;
import llmproxy.logging.LocalTimes;
import llmproxy.logging.Log;
import llmproxy.logging.RequestTrace;
import llmproxy.protocol.Dialect;
import llmproxy.routing.Candidate;
import llmproxy.routing.CandidateOrder;
import llmproxy.routing.CooldownRegistry;
import llmproxy.routing.Plan;
import llmproxy.routing.Snapshot;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves one proxied request. The story: read the body into a {@link ProxyRequest}; resolve the alias to
 * candidates; for each, its {@link Protocol} prepares the attempt, the {@link UpstreamClient} sends it and the
 * {@link FailurePolicy} judges a failure (fall back, cool down); the first answer worth relaying goes to the
 * client through the same protocol. Every way out is one {@link RequestResult}, finished in one place.
 */
public final class ProxyHandler {
    private final UpstreamClient upstream;
    private final CooldownRegistry cooldowns;
    private final CandidateOrder order;
    private final Log log;
    private final WriteWatchdog watchdog;
    private final List<RequestListener> listeners;

    public ProxyHandler(UpstreamClient upstream, CooldownRegistry cooldowns, CandidateOrder order, Log log,
                        WriteWatchdog watchdog, List<RequestListener> listeners) {
        this.upstream = upstream;
        this.cooldowns = cooldowns;
        this.order = order;
        this.log = log;
        this.watchdog = watchdog;
        this.listeners = List.copyOf(listeners);
    }

    /** Handles the exchange with the snapshot the request started with; the caller closes the exchange. */
    public void handle(HttpExchange exchange, String rid, String client, Snapshot snapshot) {
        long start = System.nanoTime();
        RequestTrace trace = new RequestTrace(rid, System.currentTimeMillis(), start, client,
                exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
        long writeTimeout = TimeUnit.SECONDS.toNanos(snapshot.config().server().writeTimeoutSeconds());
        RequestResult result;
        try (ClientResponse out = new ClientResponse(exchange, watchdog, writeTimeout)) {
            result = serve(exchange, snapshot, trace, out);
        }
        finish(result, trace);
        if (result instanceof RequestResult.StreamBroke b && !b.inBand()) {
            throw new AbortConnection(b.reason());
        }
    }

    private RequestResult serve(HttpExchange exchange, Snapshot snapshot, RequestTrace trace, ClientResponse out) {
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
            case Plan.Tiers tiers -> new Attempts(request, trace, out,
                    order.order(tiers, cooldowns, config.fallback().maxRetries())).run();
        };
    }

    /** The candidates of one request, tried in order until one answer is worth relaying. */
    private final class Attempts {
        private final ProxyRequest request;
        private final RequestTrace trace;
        private final ClientResponse out;
        private final List<Candidate> candidates;
        private final Config config;
        private final StringBuilder failures = new StringBuilder();
        private Protocol.AttemptException refusal;

        Attempts(ProxyRequest request, RequestTrace trace, ClientResponse out, List<Candidate> candidates) {
            this.request = request;
            this.trace = trace;
            this.out = out;
            this.candidates = candidates;
            this.config = request.snapshot().config();
        }

        RequestResult run() {
            long headerTimeout = TimeUnit.SECONDS.toNanos(config.timeouts().responseHeaderSeconds());
            long idleTimeout = TimeUnit.SECONDS.toNanos(config.timeouts().streamIdleSeconds());
            long cooldownMillis = TimeUnit.SECONDS.toMillis(config.fallback().cooldownSeconds());
            Outcome.HttpError lastError = null;
            Candidate lastErrorBy = null;
            int n = 0;
            for (Candidate c : candidates) {
                n++;
                Protocol protocol = Protocols.of(c.backend(), request.dialect());
                if (!protocol.carries(request)) {
                    log.debug("[" + request.id() + "] skipped " + c.backend().name() + "/" + c.model()
                            + ": its protocol cannot carry " + request.path());
                    continue;
                }
                long t0 = System.nanoTime();
                UpstreamRequest prepared;
                Outcome outcome;
                try {
                    prepared = protocol.prepare(request, c);
                    if (log.isEnabled(Level.DEBUG)) {
                        log.debug("[" + request.id() + "] attempt " + n + "/" + candidates.size() + ": backend="
                                + c.backend().name() + " model=" + c.model() + " via=" + c.viaAlias() + " url="
                                + prepared.uri());
                    }
                    outcome = upstream.send(prepared, headerTimeout, idleTimeout);
                } catch (Protocol.AttemptException e) {
                    if (e.isRefusal()) {
                        log.debug("[" + request.id() + "] skipped " + c.backend().name() + "/" + c.model() + ": "
                                + Text.safe(e.getMessage()));
                        refusal = e;
                        continue;
                    }
                    prepared = null;
                    outcome = new Outcome.Transport(Outcome.Kind.PROTOCOL, e.getMessage());
                }
                String url = prepared == null ? c.backend().url().toString() : prepared.uri().toString();
                if (outcome instanceof Outcome.Success s) {
                    return relaySuccess(protocol, c, url, s, idleTimeout, cooldownMillis, t0);
                }
                FailurePolicy.Decision d = FailurePolicy.decide(outcome, config.detection(), cooldownMillis,
                        cooldowns.nowMillis(), request.body());
                int status = outcome instanceof Outcome.HttpError e ? e.status() : -1;
                String reason = outcome instanceof Outcome.Transport t ? t.reason() : null;
                if (!d.fallback()) {
                    trace.attempt(attempt(c, url, status, null, "returned to client (" + d.why() + ")", t0));
                    return relayError(protocol, c, (Outcome.HttpError) outcome, false);
                }
                String action = "fallback";
                String cooled = "";
                if (d.cooldownMillis() > 0) {
                    long until = cooldowns.coolDown(c.pair(), d.cooldownMillis());
                    cooled = "; cooldown " + d.cooldownMillis() / 1000 + "s until " + LocalTimes.format(until);
                    action = "fallback, cooldown until " + LocalTimes.format(until);
                }
                trace.attempt(attempt(c, url, status, reason, action, t0));
                log.warn("[" + request.id() + "] attempt failed: backend=" + c.backend().name() + " model="
                        + c.model() + " " + d.why() + cooled + (n < candidates.size() ? "; falling back" : ""));
                if (!failures.isEmpty()) {
                    failures.append("; ");
                }
                failures.append(c.backend().name()).append('/').append(c.model()).append(": ").append(d.why());
                if (outcome instanceof Outcome.HttpError e) {
                    lastError = e;
                    lastErrorBy = c;
                } else {
                    lastError = null;
                }
            }
            if (lastError != null) {
                return relayError(Protocols.of(lastErrorBy.backend(), request.dialect()), lastErrorBy, lastError,
                        true);
            }
            if (failures.isEmpty() && refusal != null) {
                try {
                    out.headers().set("Content-Type", "application/json");
                    out.sendFixed(refusal.status(), refusal.refusal());
                } catch (IOException clientGone) {
                    // The client left; the result still says why it was refused.
                }
                return new RequestResult.Rejected(refusal.status(), "unsupported_request", Text.safe(refusal.getMessage()));
            }
            if (failures.isEmpty()) {
                return reject(out, request.dialect(), 502, "no_compatible_backend",
                        "no backend of model \"" + request.alias() + "\" can serve " + request.path());
            }
            ErrorResponses.send(out, request.dialect(), 502, "all_backends_failed",
                    "all backends failed: " + failures);
            return new RequestResult.AllFailed(failures.toString());
        }

        private RequestResult relaySuccess(Protocol protocol, Candidate c, String url, Outcome.Success s,
                                           long idleTimeout, long cooldownMillis, long t0) {
            int status = s.response().statusCode();
            Relay.Result r = protocol.relay(request, s.response(), out, idleTimeout);
            trace.firstByte(r.firstByteNanos());
            return switch (r.end()) {
                case COMPLETE -> {
                    trace.attempt(attempt(c, url, status, null, "relayed", t0));
                    yield new RequestResult.Relayed(c, status);
                }
                case CLIENT_GONE -> {
                    trace.attempt(attempt(c, url, status, r.reason(), "upstream cancelled", t0));
                    yield new RequestResult.ClientGone(c, r.reason());
                }
                case UPSTREAM_BROKE -> {
                    trace.attempt(attempt(c, url, status, r.reason(), "stream broken", t0));
                    long until = cooldowns.coolDown(c.pair(), cooldownMillis);
                    String reason = r.reason() + "; cooldown until " + LocalTimes.format(until);
                    if (!out.headSent()) {
                        // Nothing went out yet (an answer that could not be translated): say so plainly.
                        ErrorResponses.send(out, request.dialect(), 502, "bad_upstream_response",
                                "upstream answer from " + c.backend().name() + " was unusable: " + r.reason());
                        yield new RequestResult.StreamBroke(c, status, reason, true);
                    }
                    boolean sse = Relay.isEventStream(s.response());
                    if (sse) {
                        try {
                            out.write(ErrorResponses.sseError(request.dialect(), "stream_interrupted",
                                    "upstream stream from " + c.backend().name() + " broke: " + r.reason()));
                            out.flush();
                        } catch (IOException clientGone) {
                            // Nothing more to tell.
                        }
                    }
                    yield new RequestResult.StreamBroke(c, status, reason, sse);
                }
            };
        }

        private RequestResult relayError(Protocol protocol, Candidate c, Outcome.HttpError e, boolean exhausted) {
            try {
                protocol.relayError(request, e, out);
            } catch (IOException clientGone) {
                // The client left; the trace still records what it would have got.
            }
            trace.firstByte(System.nanoTime());
            return new RequestResult.UpstreamError(c, e.status(), exhausted, failures.toString());
        }

        private RequestTrace.Attempt attempt(Candidate c, String url, int status, String error, String action,
                                             long start) {
            return new RequestTrace.Attempt(c.backend().name(), c.model(), url, status, error, action, start,
                    System.nanoTime());
        }
    }

    /**
     * The one place a request ends: its trace is finished, one line says how it went, the listeners hear of it
     * and the log takes the trace.
     */
    private void finish(RequestResult result, RequestTrace trace) {
        long end = System.nanoTime();
        String rid = trace.requestId();
        String backend = result.by() == null ? "" : result.by().backend().name();
        String took = " took=" + llmproxy.logging.Durations.millis(end - trace.startNanos());
        switch (result) {
            case RequestResult.Rejected r -> {
                trace.finish(r.status(), "", r.code() + ": " + r.message(), end);
                String line = "[" + rid + "] request rejected: status=" + r.status() + " code=" + r.code() + " "
                        + r.message();
                if (r.status() >= 500) {
                    log.error(line);
                } else {
                    log.info(line);
                }
            }
            case RequestResult.Relayed r -> {
                trace.finish(r.status(), backend, "ok", end);
                if (log.isEnabled(Level.INFO)) {
                    log.info("[" + rid + "] request succeeded: backend=" + backend + " model=" + r.by().model()
                            + " alias=" + trace.alias() + " client=" + trace.client() + " status=" + r.status()
                            + " attempts=" + trace.attempts().size() + took);
                }
            }
            case RequestResult.UpstreamError r -> {
                trace.finish(r.status(), backend, "upstream error " + r.status(), end);
                if (r.exhausted()) {
                    String line = "[" + rid + "] all backends failed for model=" + trace.alias() + ": "
                            + r.failures() + "; relayed status " + r.status() + " from " + backend;
                    if (r.status() < 500) {
                        log.warn(line); // every backend refused this request: most likely the client's fault
                    } else {
                        log.error(line);
                    }
                } else if (log.isEnabled(Level.INFO)) {
                    log.info("[" + rid + "] upstream error relayed: model=" + trace.alias() + " backend=" + backend
                            + " status=" + r.status() + took);
                }
            }
            case RequestResult.AllFailed r -> {
                trace.finish(502, "", "all backends failed: " + r.failures(), end);
                log.error("[" + rid + "] all backends failed for model=" + trace.alias() + ": " + r.failures());
            }
            case RequestResult.StreamBroke r -> {
                trace.finish(502, backend, "upstream broke mid-response: " + r.reason(), end);
                log.error("[" + rid + "] upstream broke mid-response: backend=" + backend + " model="
                        + r.by().model() + " reason=" + r.reason());
            }
            case RequestResult.ClientGone r -> {
                trace.finish(499, backend, "client disconnected: " + r.reason(), end);
                log.info("[" + rid + "] client disconnected" + (backend.isEmpty() ? "" : ": backend=" + backend)
                        + " (" + r.reason() + ")" + took + "; upstream request cancelled");
            }
        }
        for (RequestListener l : listeners) {
            try {
                l.finished(result, trace);
            } catch (RuntimeException e) {
                log.error("[" + rid + "] request listener failed", e);
            }
        }
        log.request(trace);
    }

    private static RequestResult reject(ClientResponse out, Dialect dialect, int status, String code, String message) {
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
