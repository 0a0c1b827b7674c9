package llmproxy.proxy;

import llmproxy.config.Config;
import llmproxy.config.Fallback;
import llmproxy.config.Timeouts;
import llmproxy.logging.Level;
import llmproxy.logging.LocalTimes;
import llmproxy.logging.Log;
import llmproxy.logging.RequestTrace;
import llmproxy.routing.Candidate;
import llmproxy.routing.CooldownRegistry;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.concurrent.TimeUnit;

/**
 * The candidates of one request, tried in order until one answer is worth relaying: each attempt is prepared by
 * its backend's {@link Protocol}, sent, judged by the {@link FailurePolicy} (retry the same route, fall back, cool
 * down) and, once one answers, relayed by the same protocol. Ends in exactly one {@link RequestResult}.
 */
final class Attempts {
    private final ProxyRequest request;
    private final RequestTrace trace;
    private final ClientResponse out;
    private final List<Candidate> candidates;
    private final Config config;
    private final StringBuilder failures = new StringBuilder();
    private Protocol.AttemptException refusal;

    private final UpstreamClient upstream;
    private final CooldownRegistry cooldowns;
    private final Log log;
    private final StreamRescue rescue;
    private final List<RequestListener> listeners;
    private final Supplier<RandomGenerator> random;

    Attempts(ProxyHandler.Parts parts, ProxyRequest request, RequestTrace trace, ClientResponse out,
             List<Candidate> candidates) {
        this.upstream = parts.upstream();
        this.cooldowns = parts.cooldowns();
        this.log = parts.log();
        this.rescue = parts.rescue();
        this.listeners = parts.listeners();
        this.random = parts.random();
        this.request = request;
        this.trace = trace;
        this.out = out;
        this.candidates = candidates;
        this.config = request.snapshot().config();
    }

    RequestResult run() {
        Timeouts t = config.timeouts();
        long requestDeadline = t.requestSeconds() > 0
                ? request.startNanos() + TimeUnit.SECONDS.toNanos(t.requestSeconds()) : Long.MAX_VALUE;
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
            for (int retry = 0; ; retry++) {
                if (System.nanoTime() - requestDeadline >= 0) {
                    return deadlinePassed(lastError, lastErrorBy, t.requestSeconds());
                }
                long t0 = System.nanoTime();
                Attempt a = attempt(protocol, c, n, c.backend().timeouts(t));
                if (a.refusal != null) {
                    log.debug("[" + request.id() + "] skipped " + c.backend().name() + "/" + c.model() + ": "
                            + Text.safe(a.refusal.getMessage()));
                    refusal = a.refusal;
                    break;
                }
                if (a.result != null) {
                    return a.result;
                }
                FailurePolicy.Decision d = FailurePolicy.decide(a.outcome, config.detection(), cooldownMillis,
                        cooldowns.nowMillis(), request.body());
                int status = a.outcome instanceof Outcome.HttpError e ? e.status() : -1;
                String reason = a.outcome instanceof Outcome.Transport tr ? tr.reason() : null;
                // Kept before any same-route retry too: a request deadline passing between retries relays it.
                if (a.outcome instanceof Outcome.HttpError e) {
                    lastError = e;
                    lastErrorBy = c;
                } else {
                    lastError = null;
                }
                if (!d.fallback()) {
                    trace.attempt(attempt(c, a.url, status, null, "returned to client (" + d.why() + ")", t0,
                            label(a.outcome)));
                    return relayError(protocol, c, (Outcome.HttpError) a.outcome, false, trace.attempts().size());
                }
                long wait = cooldowns.unproven(c.pair()) ? -1 : retryWait(d, retry);
                if (wait >= 0) {
                    trace.attempt(attempt(c, a.url, status, reason, "retry same route in " + wait + "ms", t0,
                            label(a.outcome)));
                    log.warn("[" + request.id() + "] attempt failed: backend=" + c.backend().name() + " model="
                            + c.model() + " " + d.why() + "; retrying it in " + wait + "ms");
                    if (!pause(wait)) {
                        return new RequestResult.ClientGone(c, "interrupted while waiting to retry");
                    }
                    continue;
                }
                String action = "fallback";
                String cooled = "";
                if (d.cooldownMillis() > 0) {
                    long until = cooldowns.coolDown(c.pair(), d.cooldownMillis(), d.why());
                    cooled = "; cooldown until " + LocalTimes.format(until);
                    action = "fallback, cooldown until " + LocalTimes.format(until);
                }
                trace.attempt(attempt(c, a.url, status, reason, action, t0, label(a.outcome)));
                log.warn("[" + request.id() + "] attempt failed: backend=" + c.backend().name() + " model="
                        + c.model() + " " + d.why() + cooled + (n < candidates.size() ? "; falling back" : ""));
                if (!failures.isEmpty()) {
                    failures.append("; ");
                }
                failures.append(c.backend().name()).append('/').append(c.model()).append(": ").append(d.why());
                break;
            }
        }
        if (lastError != null) {
            return relayError(Protocols.of(lastErrorBy.backend(), request.dialect()), lastErrorBy, lastError,
                    true, trace.attempts().size());
        }
        if (failures.isEmpty() && refusal != null) {
            // Every backend that could carry the request refused what it asks for: the client's own fault.
            try {
                out.headers().set("Content-Type", "application/json");
                out.sendFixed(refusal.status(), refusal.refusal());
            } catch (IOException clientGone) {
                // The client left; the result still says why it was refused.
            }
            return new RequestResult.Rejected(refusal.status(), "unsupported_request", Text.safe(refusal.getMessage()));
        }
        if (failures.isEmpty()) {
            return ProxyHandler.reject(out, request.dialect(), 502, "no_compatible_backend",
                    "no backend of model \"" + request.alias() + "\" can serve " + request.path());
        }
        ErrorResponses.send(out, request.dialect(), 502, "all_backends_failed",
                "all backends failed: " + failures);
        return new RequestResult.AllFailed(failures.toString());
    }

    /**
     * One attempt's upshot: a finished request ({@code result}), a failure to judge ({@code outcome}), or a
     * request this route's protocol refuses ({@code refusal}: skip it, no cooldown).
     */
    private record Attempt(RequestResult result, Outcome outcome, String url, Protocol.AttemptException refusal) {
        Attempt(RequestResult result, Outcome outcome, String url) {
            this(result, outcome, url, null);
        }
    }

    private Attempt attempt(Protocol protocol, Candidate c, int n, Timeouts t) {
        long t0 = System.nanoTime();
        UpstreamRequest prepared;
        try {
            prepared = protocol.prepare(request, c);
        } catch (Protocol.AttemptException e) {
            if (e.isRefusal()) {
                return new Attempt(null, null, null, e);
            }
            return new Attempt(null, new Outcome.Transport(Outcome.Kind.PROTOCOL, e.getMessage()),
                    c.backend().url().toString());
        }
        String url = prepared.uri().toString();
        if (log.isEnabled(Level.DEBUG)) {
            log.debug("[" + request.id() + "] attempt " + n + "/" + candidates.size() + ": backend="
                    + c.backend().name() + " model=" + c.model() + " via=" + c.viaAlias() + " url=" + url);
        }
        long idle = TimeUnit.SECONDS.toNanos(t.streamIdleSeconds());
        Outcome outcome = upstream.send(prepared, TimeUnit.SECONDS.toNanos(t.responseHeaderSeconds()), idle);
        if (!(outcome instanceof Outcome.Success s)) {
            return new Attempt(null, outcome, url);
        }
        whoAnswers(c, trace.attempts().size() + 1);
        boolean stream = request.wantsStream() || Relay.isEventStream(s.response());
        if (stream) {
            listeners.forEach(RequestListener::streamOpened);
        }
        Relay.Result r;
        try {
            r = protocol.relay(request, s.response(), out, idle, TimeUnit.SECONDS.toNanos(t.firstTokenSeconds()));
        } finally {
            if (stream) {
                listeners.forEach(RequestListener::streamClosed);
            }
        }
        if (r.end() == Relay.End.FAILED_BEFORE_CONTENT) {
            return new Attempt(null, r.failure(), url);
        }
        return new Attempt(relayed(c, url, s, r, t0, n), null, url);
    }

    /** Milliseconds to wait before trying the same route again, or -1 to move on. */
    private long retryWait(FailurePolicy.Decision d, int retriesSoFar) {
        Fallback f = config.fallback();
        if (!d.retryable() || retriesSoFar >= f.retrySame()) {
            return -1;
        }
        if (d.retryAfterMillis() > 0) {
            // A short Retry-After is waited out; a long one means: cool down and go elsewhere now.
            return d.retryAfterMillis() <= f.maxRetryWaitSeconds() * 1000L ? d.retryAfterMillis() : -1;
        }
        long cap = Math.min(2000L, (long) f.retryBackoffMs() << Math.min(retriesSoFar, 20));
        return random.get().nextLong(cap + 1); // full jitter
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private RequestResult deadlinePassed(Outcome.HttpError lastError, Candidate lastErrorBy, int seconds) {
        String why = "request deadline of " + seconds + "s (timeouts.request_seconds) passed";
        if (!failures.isEmpty()) {
            failures.append("; ");
        }
        failures.append(why);
        if (lastError != null) {
            return relayError(Protocols.of(lastErrorBy.backend(), request.dialect()), lastErrorBy, lastError,
                    true, trace.attempts().size());
        }
        ErrorResponses.send(out, request.dialect(), 504, "request_timeout", "no answer within " + seconds
                + "s: " + failures);
        return new RequestResult.Rejected(504, "request_timeout", why);
    }

    /** Says on the response who answered; set before the head goes out, replaced if a fallback answers. */
    private void whoAnswers(Candidate c, int attempts) {
        out.headers().set("X-LLM-Proxy-Backend", c.backend().name());
        out.headers().set("X-LLM-Proxy-Model", c.model());
        out.headers().set("X-LLM-Proxy-Attempts", Integer.toString(attempts));
    }

    private RequestResult relayed(Candidate c, String url, Outcome.Success s, Relay.Result r, long t0, int n) {
        int status = s.response().statusCode();
        trace.firstByte(r.firstByteNanos());
        if (r.transcript() != null && r.transcript().malformed() > 0) {
            log.warn("[" + request.id() + "] dropped " + r.transcript().malformed() + " malformed stream event(s) from "
                    + c.backend().name() + " (first: " + r.transcript().firstMalformed() + ")");
        }
        return switch (r.end()) {
            case FAILED_BEFORE_CONTENT -> throw new IllegalStateException("judged as a failed attempt, not relayed");
            case COMPLETE -> {
                cooldowns.recovered(c.pair());
                trace.attempt(attempt(c, url, status, null, "relayed", t0, "ok"));
                yield new RequestResult.Relayed(c, status);
            }
            case CLIENT_GONE -> {
                trace.attempt(attempt(c, url, status, r.reason(), "upstream cancelled", t0, "ok"));
                yield new RequestResult.ClientGone(c, r.reason());
            }
            case UPSTREAM_BROKE -> {
                trace.attempt(attempt(c, url, status, r.reason(), "stream broken", t0, "stream_broken"));
                long until = cooldowns.coolDown(c.pair(),
                        TimeUnit.SECONDS.toMillis(config.fallback().cooldownSeconds()), "stream broke: " + r.reason());
                String reason = r.reason() + "; cooldown until " + LocalTimes.format(until);
                String told = r.reason();
                if (r.transcript() != null) {
                    log.warn("[" + request.id() + "] stream from " + c.backend().name() + " broke mid-answer ("
                            + r.reason() + "); asking the next backend to continue it");
                    StreamRescue.Upshot u = rescue.rescue(request, trace, out, r.transcript(),
                            candidates.subList(n, candidates.size()), config.timeouts());
                    if (u.by() != null && !u.clientGone()) {
                        cooldowns.recovered(u.by().pair());
                        yield new RequestResult.Relayed(u.by(), status);
                    }
                    if (u.clientGone()) {
                        yield new RequestResult.ClientGone(u.by(), u.failure());
                    }
                    reason += "; " + u.failure();
                    told += "; " + u.failure();
                }
                boolean sse = Relay.isEventStream(s.response());
                if (sse) {
                    try {
                        out.write(ErrorResponses.sseError(request.dialect(), "stream_interrupted",
                                "upstream stream from " + c.backend().name() + " broke: " + told));
                        out.flush();
                    } catch (IOException clientGone) {
                        // Nothing more to tell.
                    }
                }
                yield new RequestResult.StreamBroke(c, status, reason, sse);
            }
        };
    }

    private RequestResult relayError(Protocol protocol, Candidate c, Outcome.HttpError e, boolean exhausted,
                                     int attempts) {
        whoAnswers(c, attempts);
        try {
            protocol.relayError(request, e, out);
        } catch (IOException clientGone) {
            // The client left; the trace still records what it would have got.
        }
        trace.firstByte(System.nanoTime());
        return new RequestResult.UpstreamError(c, e.status(), exhausted, failures.toString());
    }

    private RequestTrace.Attempt attempt(Candidate c, String url, int status, String error, String action,
                                         long start, String outcome) {
        return new RequestTrace.Attempt(c.backend().name(), c.model(), url, status, error, action, start,
                System.nanoTime(), c.viaAlias(), outcome);
    }

    /** The metrics word for a failed attempt's outcome. */
    private static String label(Outcome o) {
        return switch (o) {
            case Outcome.HttpError e -> e.status() >= 500 ? "http_5xx" : "http_4xx";
            case Outcome.Transport t -> switch (t.kind()) {
                case CONNECT -> "connect";
                case TIMEOUT -> "timeout";
                case TLS -> "tls";
                case RESET, PROTOCOL -> "reset";
            };
            case Outcome.Success s -> "ok";
        };
    }
}
