package llmproxy.metrics;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A monotonically increasing count. Striped (LongAdder), so concurrent requests do not contend on one cell; or
 * read from a running total kept elsewhere (e.g. the logger's dropped lines) at scrape time.
 */
public final class Counter implements Metric {
    private final LongAdder value = new LongAdder();
    private final LongSupplier source;

    public Counter() {
        this.source = null;
    }

    /** A counter read from {@code source}, which must never decrease; {@link #inc} and {@link #add} are ignored. */
    public Counter(LongSupplier source) {
        this.source = source;
    }

    public void inc() {
        value.increment();
    }

    /** Adds {@code n}; negative values are ignored, because a counter never goes down. */
    public void add(long n) {
        if (n > 0) {
            value.add(n);
        }
    }

    public long value() {
        return source == null ? value.sum() : source.getAsLong();
    }
}
