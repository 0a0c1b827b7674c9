package llmproxy.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One metric name with its help, type and label names, and a child series per label-value tuple. Cardinality is
 * bounded by construction: past {@code maxChildren} distinct tuples, new tuples share one child whose every label
 * reads {@value #OVERFLOW}, so a bug that labels by client input cannot grow memory or the scrape without bound.
 */
public final class Family<M extends Metric> {
    /** The label value of the shared child that takes every tuple past the limit. */
    public static final String OVERFLOW = "other";

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The exposition TYPE. */
    public enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String name;
    private final String help;
    private final Type type;
    private final List<String> labelNames;
    private final Supplier<M> factory;
    private final int maxChildren;
    private final ConcurrentHashMap<List<String>, M> children = new ConcurrentHashMap<>();
    private final List<String> overflowKey;

    Family(String name, String help, Type type, List<String> labelNames, Supplier<M> factory, int maxChildren) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name: " + name);
        }
        for (String l : labelNames) {
            if (!LABEL.matcher(l).matches() || l.startsWith("__") || (type == Type.HISTOGRAM && l.equals("le"))) {
                throw new IllegalArgumentException("invalid label name for " + name + ": " + l);
            }
        }
        if (labelNames.stream().distinct().count() != labelNames.size()) {
            throw new IllegalArgumentException("duplicate label name for " + name + ": " + labelNames);
        }
        if (maxChildren < 1) {
            throw new IllegalArgumentException("maxChildren must be positive");
        }
        this.name = name;
        this.help = Objects.requireNonNull(help, "help");
        this.type = type;
        this.labelNames = List.copyOf(labelNames);
        this.factory = factory;
        this.maxChildren = maxChildren;
        this.overflowKey = labelNames.stream().map(l -> OVERFLOW).toList();
    }

    public String name() {
        return name;
    }

    String help() {
        return help;
    }

    Type type() {
        return type;
    }

    List<String> labelNames() {
        return labelNames;
    }

    /** The child for these label values (in label-name order), created on first use. Never null. */
    public M labels(String... values) {
        if (values.length != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes " + labelNames.size() + " label value(s), got "
                    + values.length);
        }
        List<String> key = List.of(values);
        M child = children.get(key);
        if (child != null) {
            return child;
        }
        if (children.size() >= maxChildren) {
            return children.computeIfAbsent(overflowKey, k -> factory.get());
        }
        return children.computeIfAbsent(key, k -> factory.get());
    }

    /** Sets the child for these values to {@code child} (e.g. a gauge reading live state), replacing any. */
    public void put(List<String> values, M child) {
        if (values.size() != labelNames.size()) {
            throw new IllegalArgumentException(name + " takes " + labelNames.size() + " label value(s)");
        }
        if (children.size() < maxChildren || children.containsKey(values)) {
            children.put(List.copyOf(values), child);
        }
    }

    /** Drops the children whose label values fail {@code keep}, e.g. gauges of pairs a new config no longer has. */
    public void retain(Predicate<List<String>> keep) {
        children.keySet().removeIf(k -> !keep.test(k));
    }

    /** The children, sorted by label values so every scrape lists them in the same order. */
    List<Map.Entry<List<String>, M>> children() {
        List<Map.Entry<List<String>, M>> list = new ArrayList<>(children.entrySet());
        list.sort((a, b) -> compare(a.getKey(), b.getKey()));
        return list;
    }

    private static int compare(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
