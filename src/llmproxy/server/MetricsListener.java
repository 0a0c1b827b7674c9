package llmproxy.server;

import llmproxy.logging.RequestTrace;
import llmproxy.metrics.ProxyMetrics;
import llmproxy.proxy.RequestListener;
import llmproxy.proxy.RequestResult;

import java.util.Locale;

/** Turns each finished request into metrics: counts, durations, attempts, fallbacks, cooldowns, first bytes. */
final class MetricsListener implements RequestListener {
    private final ProxyMetrics metrics;

    MetricsListener(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void finished(RequestResult result, RequestTrace trace) {
        String alias = trace.alias();
        metrics.requestFinished(alias, trace.keyName(), result.status(), trace.lastByteNanos() - trace.startNanos());
        boolean first = true;
        for (RequestTrace.Attempt a : trace.attempts()) {
            metrics.attempt(a.backend(), a.model(), outcome(a.outcome()), a.endNanos() - a.startNanos());
            if (!first) {
                metrics.fallback(a.via().isEmpty() || a.via().equals(alias) ? ProxyMetrics.FallbackLevel.L1
                        : ProxyMetrics.FallbackLevel.L2);
            }
            if (a.action().contains("cooldown until")) {
                metrics.cooldownStarted(a.backend(), a.model());
            }
            first = a.action().startsWith("retry same route"); // a retry on the same route is not a fallback
        }
        if (trace.stream() && trace.firstByteNanos() > 0 && result instanceof RequestResult.Relayed) {
            metrics.streamFirstByte(alias, trace.firstByteNanos() - trace.startNanos());
        }
    }

    @Override
    public void streamOpened() {
        metrics.streamOpened();
    }

    @Override
    public void streamClosed() {
        metrics.streamClosed();
    }

    /** The trace's outcome word is the metric's own label (ok, http_4xx, timeout …). */
    private static ProxyMetrics.Outcome outcome(String label) {
        return label.isEmpty() ? ProxyMetrics.Outcome.OK : ProxyMetrics.Outcome.valueOf(label.toUpperCase(Locale.ROOT));
    }
}
