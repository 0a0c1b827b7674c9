package llmproxy.metrics;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every metric the issue names exists under its exact name, and label values never escape the config. */
class ProxyMetricsTest {
    private static final ProxyMetrics.KnownLabels LABELS = new ProxyMetrics.KnownLabels(Set.of("gpt-4o", "claude"),
            Set.of("default", "support-bot"), Map.of("openai", Set.of("gpt-4o"), "azure", Set.of("gpt-4o", "o1")));

    private final AtomicLong dropped = new AtomicLong();
    private final Set<String> cooling = new HashSet<>();
    private final ProxyMetrics metrics = new ProxyMetrics("1.2.3", dropped::get, (b, m) -> cooling.contains(b + "/" + m),
            () -> 1_234_000L);

    @Test
    void everyMetricOfTheIssueIsExposedWithItsExactName() {
        metrics.configure(LABELS, 1_700_000_000);
        ExpositionChecker.Exposition e = ExpositionChecker.check(metrics.scrape());
        Map<String, String> expected = Map.ofEntries(
                Map.entry("llmproxy_requests_total", "counter"),
                Map.entry("llmproxy_request_duration_seconds", "histogram"),
                Map.entry("llmproxy_upstream_attempts_total", "counter"),
                Map.entry("llmproxy_upstream_duration_seconds", "histogram"),
                Map.entry("llmproxy_fallbacks_total", "counter"),
                Map.entry("llmproxy_cooldowns_started_total", "counter"),
                Map.entry("llmproxy_cooldown_active", "gauge"),
                Map.entry("llmproxy_stream_first_byte_seconds", "histogram"),
                Map.entry("llmproxy_in_flight_requests", "gauge"),
                Map.entry("llmproxy_open_streams", "gauge"),
                Map.entry("llmproxy_log_lines_dropped_total", "counter"),
                Map.entry("llmproxy_config_reloads_total", "counter"),
                Map.entry("llmproxy_config_last_reload_success_timestamp_seconds", "gauge"),
                Map.entry("llmproxy_build_info", "gauge"),
                Map.entry("llmproxy_jvm_heap_used_bytes", "gauge"),
                Map.entry("llmproxy_jvm_threads", "gauge"));
        expected.forEach((name, type) -> assertEquals(type, e.types().get(name), name));
        assertEquals(1, e.value("llmproxy_build_info", Map.of("version", "1.2.3")));
        assertEquals(1_700_000_000, e.value("llmproxy_config_last_reload_success_timestamp_seconds", Map.of()));
        assertTrue(e.value("llmproxy_jvm_heap_used_bytes", Map.of()) > 0);
        assertTrue(e.value("llmproxy_jvm_threads", Map.of()) > 0);
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/status"))) {
            assertTrue(e.value("llmproxy_process_resident_memory_bytes", Map.of()) > 1_000_000);
        }
    }

    @Test
    void requestsAreCountedByAliasClientAndCodeWithUnknownsCollapsed() {
        metrics.configure(LABELS, 0);
        metrics.requestFinished("gpt-4o", "support-bot", 200, 120_000_000);
        metrics.requestFinished("gpt-4o", "support-bot", 200, 80_000_000);
        metrics.requestFinished("made-up-model-1", "default", 404, 1_000_000);
        metrics.requestFinished("made-up-model-2", "someone", 404, 1_000_000);
        metrics.requestFinished("claude", "default", 9999, 1_000_000);

        ExpositionChecker.Exposition e = ExpositionChecker.check(metrics.scrape());
        assertEquals(2, e.value("llmproxy_requests_total", Map.of("alias", "gpt-4o", "client", "support-bot", "code", "200")));
        assertEquals(1, e.value("llmproxy_requests_total", Map.of("alias", "unknown", "client", "default", "code", "404")));
        assertEquals(1, e.value("llmproxy_requests_total", Map.of("alias", "unknown", "client", "unknown", "code", "404")));
        assertEquals(1, e.value("llmproxy_requests_total", Map.of("alias", "claude", "client", "default", "code", "other")));
        assertEquals(2, e.value("llmproxy_request_duration_seconds_count", Map.of("alias", "gpt-4o")));
        assertEquals(0.2, e.value("llmproxy_request_duration_seconds_sum", Map.of("alias", "gpt-4o")), 1e-9);
        assertEquals(1, e.value("llmproxy_request_duration_seconds_bucket", Map.of("alias", "gpt-4o", "le", "0.1")));
        assertFalse(metrics.scrape().contains("made-up"));
    }

    @Test
    void attemptsFallbacksCooldownsAndStreamsAreCounted() {
        metrics.configure(LABELS, 0);
        metrics.attempt("openai", "gpt-4o", ProxyMetrics.Outcome.HTTP_5XX, 30_000_000);
        metrics.attempt("azure", "gpt-4o", ProxyMetrics.Outcome.OK, 40_000_000);
        metrics.attempt("azure", "not-configured", ProxyMetrics.Outcome.STREAM_BROKEN, 1);
        metrics.attempt("nowhere", "gpt-4o", ProxyMetrics.Outcome.CONNECT, 1);
        metrics.fallback(ProxyMetrics.FallbackLevel.L1);
        metrics.fallback(ProxyMetrics.FallbackLevel.L1);
        metrics.fallback(ProxyMetrics.FallbackLevel.L2);
        metrics.cooldownStarted("openai", "gpt-4o");
        cooling.add("openai/gpt-4o");
        metrics.streamFirstByte("claude", 300_000_000);
        metrics.streamOpened();
        metrics.requestStarted();
        metrics.requestStarted();
        metrics.requestEnded();
        dropped.set(12);

        ExpositionChecker.Exposition e = ExpositionChecker.check(metrics.scrape());
        assertEquals(1, e.value("llmproxy_upstream_attempts_total", Map.of("backend", "openai", "model", "gpt-4o", "outcome", "http_5xx")));
        assertEquals(1, e.value("llmproxy_upstream_attempts_total", Map.of("backend", "azure", "model", "gpt-4o", "outcome", "ok")));
        assertEquals(1, e.value("llmproxy_upstream_attempts_total", Map.of("backend", "azure", "model", "unknown", "outcome", "stream_broken")));
        assertEquals(1, e.value("llmproxy_upstream_attempts_total", Map.of("backend", "unknown", "model", "unknown", "outcome", "connect")));
        assertEquals(2, e.value("llmproxy_upstream_duration_seconds_count", Map.of("backend", "azure")));
        assertEquals(2, e.value("llmproxy_fallbacks_total", Map.of("level", "l1")));
        assertEquals(1, e.value("llmproxy_fallbacks_total", Map.of("level", "l2")));
        assertEquals(1, e.value("llmproxy_cooldowns_started_total", Map.of("backend", "openai", "model", "gpt-4o")));
        assertEquals(1, e.value("llmproxy_cooldown_active", Map.of("backend", "openai", "model", "gpt-4o")));
        assertEquals(0, e.value("llmproxy_cooldown_active", Map.of("backend", "azure", "model", "o1")));
        assertEquals(1, e.value("llmproxy_stream_first_byte_seconds_count", Map.of("alias", "claude")));
        assertEquals(1, e.value("llmproxy_open_streams", Map.of()));
        assertEquals(1, e.value("llmproxy_in_flight_requests", Map.of()));
        assertEquals(12, e.value("llmproxy_log_lines_dropped_total", Map.of()));
        assertEquals(new ProxyMetrics.PairStats(1, 1, new ProxyMetrics.LastFailure(ProxyMetrics.Outcome.HTTP_5XX, 1_234_000)),
                metrics.pairStats("openai", "gpt-4o"));
        assertEquals(new ProxyMetrics.PairStats(1, 1, new ProxyMetrics.LastFailure(ProxyMetrics.Outcome.STREAM_BROKEN, 1_234_000)),
                metrics.pairStats("azure", "unknown"));
    }

    @Test
    void reloadsAreCountedAndCooldownGaugesFollowTheNewConfig() {
        metrics.configure(LABELS, 100);
        metrics.reload(false);
        metrics.reload(true);
        metrics.configure(new ProxyMetrics.KnownLabels(Set.of("gpt-4o"), Set.of("default"),
                Map.of("openai", Set.of("gpt-4o"))), 200);

        ExpositionChecker.Exposition e = ExpositionChecker.check(metrics.scrape());
        assertEquals(1, e.value("llmproxy_config_reloads_total", Map.of("result", "failure")));
        assertEquals(1, e.value("llmproxy_config_reloads_total", Map.of("result", "success")));
        assertEquals(200, e.value("llmproxy_config_last_reload_success_timestamp_seconds", Map.of()));
        assertEquals(List.of(Map.of("backend", "openai", "model", "gpt-4o")),
                e.all("llmproxy_cooldown_active").stream().map(ExpositionChecker.Sample::labels).toList());
    }

    @org.junit.jupiter.api.Test
    void reloadSeries_existAtZeroBeforeTheFirstReload() {
        ProxyMetrics m = new ProxyMetrics("t", () -> 0, (b, mm) -> false, () -> 0L);
        String text = m.scrape();
        org.junit.jupiter.api.Assertions.assertTrue(
                text.contains("llmproxy_config_reloads_total{result=\"success\"} 0"), text);
        org.junit.jupiter.api.Assertions.assertTrue(
                text.contains("llmproxy_config_reloads_total{result=\"failure\"} 0"), text);
    }
}
