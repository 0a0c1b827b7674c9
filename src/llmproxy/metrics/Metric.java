package llmproxy.metrics;

/** One time series' live value: a counter, a gauge or a histogram. Thread-safe; updates never block. */
public sealed interface Metric permits Counter, Gauge, Histogram {
}
