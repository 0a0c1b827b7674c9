package llmproxy.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/** A value that goes up and down: either set by callers or read from {@code source} at scrape time. */
public final class Gauge implements Metric {
    private final AtomicLong value = new AtomicLong();
    private final DoubleSupplier source;

    /** A gauge callers set, increment and decrement. */
    public Gauge() {
        this.source = null;
    }

    /** A gauge read from {@code source} on every scrape; {@link #set} and friends are then ignored. */
    public Gauge(DoubleSupplier source) {
        this.source = source;
    }

    public void set(long v) {
        value.set(v);
    }

    public void inc() {
        value.incrementAndGet();
    }

    public void dec() {
        value.decrementAndGet();
    }

    public double value() {
        return source == null ? value.get() : source.getAsDouble();
    }
}
