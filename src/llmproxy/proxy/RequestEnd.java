package llmproxy.proxy;

import llmproxy.logging.Level;
import llmproxy.logging.Log;
import llmproxy.logging.RequestTrace;

import java.util.List;

/** Where every proxied request ends, whatever its result. */
final class RequestEnd {
    private final Log log;
    private final List<RequestListener> listeners;

    RequestEnd(Log log, List<RequestListener> listeners) {
        this.log = log;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * The one place a request ends: its trace is finished, one line says how it went, the listeners hear of it
     * and the log takes the trace.
     */
    void finish(RequestResult result, RequestTrace trace) {
        long end = System.nanoTime();
        String rid = trace.requestId();
        String backend = result.by() == null ? "" : result.by().backend().name();
        String took = " took=" + llmproxy.logging.Durations.millis(end - trace.startNanos());
        switch (result) {
            case RequestResult.Rejected r -> {
                trace.finish(r.status(), "", r.code() + ": " + r.message(), end);
                String line = "[" + rid + "] request rejected: status=" + r.status() + " code=" + r.code()
                        + keyName(trace) + " " + r.message();
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
                            + " alias=" + trace.alias() + " client=" + trace.client() + keyName(trace) + " status=" + r.status()
                            + " attempts=" + trace.attempts().size() + took);
                }
            }
            case RequestResult.UpstreamError r -> {
                trace.finish(r.status(), backend, "upstream error " + r.status(), end);
                if (r.exhausted()) {
                    // Each attempt's reason has its own line already; this one says how the request ended.
                    String line = "[" + rid + "] all backends failed for model=" + trace.alias() + " after "
                            + trace.attempts().size() + " attempt(s); relayed status " + r.status() + " from "
                            + backend + took + keyName(trace);
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
                log.error("[" + rid + "] all backends failed for model=" + trace.alias() + " after "
                        + trace.attempts().size() + " attempt(s); answered 502" + took + keyName(trace));
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

    /**
     * The client key's name for a log line, labelled {@code key_name} because the masker hides the value of any
     * {@code key=} pair; empty when the proxy runs without keys.
     */
    private static String keyName(RequestTrace trace) {
        return trace.keyName().isEmpty() ? "" : " key_name=" + trace.keyName();
    }
}
