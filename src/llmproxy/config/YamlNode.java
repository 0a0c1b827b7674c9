package llmproxy.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A node of the YAML subset read by {@link YamlParser}. Every node knows the 1-based line and
 * column where it starts, so later validation can point at the offending text.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    int line();

    int column();

    /** What this node is, for messages such as "must be a mapping, got a list". */
    String kind();

    /** Text exactly as written (escapes resolved). {@code quoted} separates {@code "null"} from {@code null}. */
    record Scalar(String value, boolean quoted, int line, int column) implements YamlNode {
        public Scalar {
            Objects.requireNonNull(value, "value");
        }

        /** True for an empty value, {@code ~} or {@code null} written without quotes. */
        boolean isNull() {
            return !quoted && (value.isEmpty() || value.equals("~") || value.toLowerCase(Locale.ROOT).equals("null"));
        }

        @Override
        public String kind() {
            return isNull() ? "nothing" : "a single value";
        }
    }

    /** Keys in document order; each entry remembers where its key was written. */
    record Mapping(Map<String, Entry> entries, int line, int column) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        YamlNode get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    /** One {@code key: value} pair of a {@link Mapping}. */
    record Entry(String key, int line, int column, YamlNode value) {
    }

    /** Block ({@code - item}) or flow ({@code [a, b]}) list. */
    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }
}
