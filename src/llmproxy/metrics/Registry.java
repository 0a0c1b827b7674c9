package llmproxy.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The metric families of one process, in registration order; names are unique. */
public final class Registry {
    /** Enough for every alias x client x code of a large config; past it, series collapse into "other". */
    public static final int DEFAULT_MAX_CHILDREN = 10_000;

    private final List<Family<?>> families = new CopyOnWriteArrayList<>();

    public Family<Counter> counter(String name, String help, String... labels) {
        return add(new Family<>(name, help, Family.Type.COUNTER, List.of(labels), Counter::new, DEFAULT_MAX_CHILDREN));
    }

    public Family<Gauge> gauge(String name, String help, String... labels) {
        return add(new Family<>(name, help, Family.Type.GAUGE, List.of(labels), Gauge::new, DEFAULT_MAX_CHILDREN));
    }

    public Family<Histogram> histogram(String name, String help, double[] buckets, String... labels) {
        double[] bounds = Histogram.checked(buckets);
        return add(new Family<>(name, help, Family.Type.HISTOGRAM, List.of(labels), () -> new Histogram(bounds),
                DEFAULT_MAX_CHILDREN));
    }

    private <M extends Metric> Family<M> add(Family<M> family) {
        for (Family<?> f : families) {
            if (f.name().equals(family.name())) {
                throw new IllegalArgumentException("metric " + family.name() + " is already registered");
            }
        }
        families.add(family);
        return family;
    }

    /** The families in registration order. */
    List<Family<?>> families() {
        return new ArrayList<>(families);
    }

    /** The Prometheus text exposition (format 0.0.4) of every family. */
    public String scrape() {
        StringBuilder sb = new StringBuilder(4096);
        PrometheusText.write(sb, families());
        return sb.toString();
    }
}
