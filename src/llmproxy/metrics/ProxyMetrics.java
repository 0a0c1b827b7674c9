package llmproxy.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * Every {@code llmproxy_} metric, and the calls the request path makes to update them. Label values come only
 * from the current config ({@link #configure}) or from small fixed sets: anything else becomes
 * {@value #UNKNOWN}, so a client inventing model names cannot grow the scrape. Each update is a map lookup and
 * a striped add; no lock is shared by all requests.
 */
public final class ProxyMetrics {
    public static final String UNKNOWN = "unknown";

    private static final double[] REQUEST_BUCKETS =
            {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
    private static final double[] FIRST_BYTE_BUCKETS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    /** How one upstream attempt ended; {@link #label()} is the {@code outcome} label value. */
    public enum Outcome {
        OK, HTTP_4XX, HTTP_5XX, TIMEOUT, CONNECT, TLS, RESET, STREAM_BROKEN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Which fallback moved a request on: another route of the alias (L1) or another alias (L2). */
    public enum FallbackLevel {
        L1, L2;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The label values one config allows: its aliases, client key names, and backend -> models served. */
    public record KnownLabels(Set<String> aliases, Set<String> clients, Map<String, Set<String>> modelsByBackend) {
        public KnownLabels {
            aliases = Set.copyOf(aliases);
            clients = Set.copyOf(clients);
            modelsByBackend = Map.copyOf(modelsByBackend);
        }

        public static final KnownLabels NONE = new KnownLabels(Set.of(), Set.of(), Map.of());
    }

    /** The last failed attempt of a backend+model pair: its outcome and epoch millis. */
    public record LastFailure(Outcome outcome, long atMillis) {
    }

    /** Attempts and failures of a backend+model pair since start, and its last failure (null if none). */
    public record PairStats(long attempts, long failures, LastFailure lastFailure) {
    }

    private final Registry registry = new Registry();
    private final BiPredicate<String, String> cooling;
    private final LongSupplier wallMillis;
    private final ConcurrentHashMap<List<String>, LastFailure> lastFailures = new ConcurrentHashMap<>();
    private volatile KnownLabels known = KnownLabels.NONE;

    private final Family<Counter> requests;
    private final Family<Histogram> requestDuration;
    private final Family<Counter> attempts;
    private final Family<Histogram> upstreamDuration;
    private final Family<Counter> fallbacks;
    private final Family<Counter> cooldownsStarted;
    private final Family<Gauge> cooldownActive;
    private final Family<Histogram> firstByte;
    private final Gauge inFlight;
    private final Gauge openStreams;
    private final Family<Counter> reloads;
    private final Gauge lastReloadSuccess;

    /**
     * @param version         the {@code build_info} version
     * @param logLinesDropped the logger's running total of lines dropped on a full queue
     * @param cooling         whether a backend+model pair cools down right now, read at scrape time
     * @param wallMillis      epoch millis, for the time of a pair's last failure
     */
    public ProxyMetrics(String version, LongSupplier logLinesDropped, BiPredicate<String, String> cooling,
                        LongSupplier wallMillis) {
        this.cooling = Objects.requireNonNull(cooling, "cooling");
        this.wallMillis = wallMillis;
        requests = registry.counter("llmproxy_requests_total",
                "Requests answered, by model alias, client key name and HTTP status.", "alias", "client", "code");
        requestDuration = registry.histogram("llmproxy_request_duration_seconds",
                "Time from request received to response finished, by model alias.", REQUEST_BUCKETS, "alias");
        attempts = registry.counter("llmproxy_upstream_attempts_total",
                "Upstream attempts, by backend, upstream model and outcome.", "backend", "model", "outcome");
        upstreamDuration = registry.histogram("llmproxy_upstream_duration_seconds",
                "Duration of one upstream attempt, by backend.", REQUEST_BUCKETS, "backend");
        fallbacks = registry.counter("llmproxy_fallbacks_total",
                "Times a request moved on to another route (l1) or another alias (l2).", "level");
        cooldownsStarted = registry.counter("llmproxy_cooldowns_started_total",
                "Cooldowns started, by backend and upstream model.", "backend", "model");
        cooldownActive = registry.gauge("llmproxy_cooldown_active",
                "1 while the backend+model pair is cooling down, else 0.", "backend", "model");
        firstByte = registry.histogram("llmproxy_stream_first_byte_seconds",
                "Time from request received to the first streamed byte sent to the client, by model alias.",
                FIRST_BYTE_BUCKETS, "alias");
        inFlight = registry.gauge("llmproxy_in_flight_requests", "Proxied requests being handled now.").labels();
        openStreams = registry.gauge("llmproxy_open_streams", "Streaming responses being relayed now.").labels();
        registry.counter("llmproxy_log_lines_dropped_total", "Log lines dropped because the log queue was full.")
                .put(List.of(), new Counter(logLinesDropped));
        reloads = registry.counter("llmproxy_config_reloads_total",
                "Config reloads, by result (success, failure).", "result");
        // Both series exist from the start, so rate() and alerts see a 0 before the first reload.
        reloads.labels("success");
        reloads.labels("failure");
        lastReloadSuccess = registry.gauge("llmproxy_config_last_reload_success_timestamp_seconds",
                "Unix time of the last successful config load (start-up counts).").labels();
        registry.gauge("llmproxy_build_info", "Always 1; the version is the label.", "version")
                .labels(version).set(1);
        if (Files.isReadable(PROC_STATUS)) {
            registry.gauge("llmproxy_process_resident_memory_bytes", "Resident set size of the process.")
                    .put(List.of(), new Gauge(ProxyMetrics::residentBytes));
        }
        registry.gauge("llmproxy_jvm_heap_used_bytes", "Java heap in use.").put(List.of(), new Gauge(() ->
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()));
        registry.gauge("llmproxy_jvm_threads", "Live platform threads (virtual threads are not counted).")
                .put(List.of(), new Gauge(() -> ManagementFactory.getThreadMXBean().getThreadCount()));
    }

    /**
     * Takes the label values of a config loaded (at start or by a reload) at {@code loadedAtSeconds}; cooldown
     * gauges follow its backend+model pairs.
     */
    public void configure(KnownLabels labels, long loadedAtSeconds) {
        known = labels;
        lastReloadSuccess.set(loadedAtSeconds);
        cooldownActive.retain(k -> labels.modelsByBackend().getOrDefault(k.get(0), Set.of()).contains(k.get(1)));
        labels.modelsByBackend().forEach((backend, models) -> models.forEach(model ->
                cooldownActive.put(List.of(backend, model), new Gauge(() -> cooling.test(backend, model) ? 1 : 0))));
    }

    /** One request answered: {@code alias} and {@code client} outside the config count as "unknown". */
    public void requestFinished(String alias, String client, int code, long nanos) {
        KnownLabels k = known;
        String a = k.aliases().contains(alias) ? alias : UNKNOWN;
        requests.labels(a, k.clients().contains(client) ? client : UNKNOWN, code(code)).inc();
        requestDuration.labels(a).observeNanos(nanos);
    }

    /** One upstream attempt ended with {@code outcome} after {@code nanos}. */
    public void attempt(String backend, String model, Outcome outcome, long nanos) {
        Set<String> models = known.modelsByBackend().get(backend);
        String b = models == null ? UNKNOWN : backend;
        String m = models != null && models.contains(model) ? model : UNKNOWN;
        attempts.labels(b, m, outcome.label()).inc();
        upstreamDuration.labels(b).observeNanos(nanos);
        if (outcome != Outcome.OK && models != null) {
            lastFailures.put(List.of(b, m), new LastFailure(outcome, wallMillis.getAsLong()));
        }
    }

    /** What /status shows per pair, read from the attempt counters. */
    public PairStats pairStats(String backend, String model) {
        long total = 0;
        long failures = 0;
        for (Outcome o : Outcome.values()) {
            long n = attempts.labels(backend, model, o.label()).value();
            total += n;
            failures += o == Outcome.OK ? 0 : n;
        }
        return new PairStats(total, failures, lastFailures.get(List.of(backend, model)));
    }

    public void fallback(FallbackLevel level) {
        fallbacks.labels(level.label()).inc();
    }

    public void cooldownStarted(String backend, String model) {
        Set<String> models = known.modelsByBackend().get(backend);
        cooldownsStarted.labels(models == null ? UNKNOWN : backend,
                models != null && models.contains(model) ? model : UNKNOWN).inc();
    }

    /** The first byte of a streamed answer reached the client {@code nanos} after the request arrived. */
    public void streamFirstByte(String alias, long nanos) {
        firstByte.labels(known.aliases().contains(alias) ? alias : UNKNOWN).observeNanos(nanos);
    }

    public void requestStarted() {
        inFlight.inc();
    }

    public void requestEnded() {
        inFlight.dec();
    }

    public void streamOpened() {
        openStreams.inc();
    }

    public void streamClosed() {
        openStreams.dec();
    }

    /** A reload was tried; a success is followed by {@link #configure}. */
    public void reload(boolean success) {
        reloads.labels(success ? "success" : "failure").inc();
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    /** What {@code GET /metrics} answers with in {@code Content-Type}. */
    public static String contentType() {
        return PrometheusText.CONTENT_TYPE;
    }

    /** Status codes are a small fixed set; anything outside 100-599 is "other". */
    private static String code(int code) {
        return code >= 100 && code <= 599 ? Integer.toString(code) : Family.OVERFLOW;
    }

    private static double residentBytes() {
        try {
            for (String line : Files.readAllLines(PROC_STATUS, StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Gone or unreadable: report NaN rather than a made-up number.
        }
        return Double.NaN;
    }
}
