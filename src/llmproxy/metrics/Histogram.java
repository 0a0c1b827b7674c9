package llmproxy.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A duration histogram with fixed buckets, in seconds. One striped counter per bucket (non-cumulative, summed
 * at scrape time) plus the sum in nanoseconds, so an observation is a short scan and two adds, lock-free.
 */
public final class Histogram implements Metric {
    private final double[] bounds;
    private final long[] boundNanos;
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    /** {@code bounds}: strictly increasing finite upper bounds in seconds; +Inf is implicit. */
    public Histogram(double[] bounds) {
        this.bounds = checked(bounds);
        this.boundNanos = new long[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            boundNanos[i] = Math.round(bounds[i] * 1e9);
        }
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    static double[] checked(double[] bounds) {
        if (bounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must be finite and strictly increasing: "
                        + Arrays.toString(bounds));
            }
        }
        return bounds.clone();
    }

    /** Records one duration; a negative one (a clock step) counts as zero. */
    public void observeNanos(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < boundNanos.length && n > boundNanos[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(n);
    }

    /** A consistent-enough view for one scrape: cumulative counts end with the +Inf bucket, which is the count. */
    Snapshot snapshot() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(bounds.clone(), cumulative, sumNanos.sum() / 1e9);
    }

    /** {@code cumulative[i]} counts observations up to {@code bounds[i]}; the last entry is +Inf. */
    record Snapshot(double[] bounds, long[] cumulative, double sumSeconds) {
        long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
