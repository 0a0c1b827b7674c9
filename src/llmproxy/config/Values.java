package llmproxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns YAML scalars into Java values after {@code ${VAR}} expansion. A value of the wrong type is
 * recorded as an error and read as absent, so binding goes on and finds the other problems too.
 */
final class Values {
    private final EnvSubstitution env;
    private final Problems problems;

    Values(EnvSubstitution env, Problems problems) {
        this.env = env;
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    /** The expanded text, or null when the node is absent or null. */
    String text(YamlNode node, String path, int line) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof YamlNode.Scalar scalar)) {
            problems.error(path, line, "must be a single value, got " + node.kind());
            return null;
        }
        if (scalar.isNull()) {
            return null;
        }
        try {
            return env.expand(scalar.value());
        } catch (IllegalArgumentException e) {
            problems.error(path, line, e.getMessage());
            return null;
        }
    }

    /**
     * A key (proxy or backend). Fails closed: a {@code ${VAR}} that is set but empty, a value of only
     * whitespace, or a control character inside the key is an error; whitespace around it (a key file's
     * trailing newline) is removed with a warning. Messages never include the key.
     */
    Secret secret(YamlNode node, String path, int line) {
        String t = text(node, path, line);
        if (t == null) {
            return Secret.NONE;
        }
        List<String> empty = node instanceof YamlNode.Scalar s ? env.setButEmpty(s.value()) : List.of();
        if (!empty.isEmpty()) {
            problems.error(path, line, "environment variable " + String.join(", ", empty) + " is set but empty"
                    + " (an empty key would turn authentication off; unset it or give the key a value)");
            return Secret.NONE;
        }
        String key = t.strip();
        if (key.isEmpty() && !t.isEmpty()) {
            problems.error(path, line, "is only whitespace");
            return Secret.NONE;
        }
        if (!key.equals(t)) {
            problems.warn(path, line, "leading or trailing whitespace removed from the key");
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                problems.error(path, line, "contains a control character (U+%04X at position %d); a key must be"
                        .formatted((int) key.charAt(i), i + 1) + " printable text");
                return Secret.NONE;
            }
        }
        return Secret.of(key);
    }

    Boolean bool(YamlNode node, String path, int line) {
        String t = text(node, path, line);
        if (t == null) {
            return null;
        }
        return switch (t) {
            case "true", "True", "TRUE" -> Boolean.TRUE;
            case "false", "False", "FALSE" -> Boolean.FALSE;
            default -> {
                problems.error(path, line, "must be true or false, got \"" + t + "\"");
                yield null;
            }
        };
    }

    Integer integer(YamlNode node, String path, int line, int min) {
        String t = text(node, path, line);
        if (t == null) {
            return null;
        }
        int v;
        try {
            v = Integer.parseInt(t.strip());
        } catch (NumberFormatException e) {
            problems.error(path, line, "must be a whole number, got \"" + t + "\"");
            return null;
        }
        if (v < min) {
            problems.error(path, line, (min == 0 ? "must not be negative" : "must be at least " + min) + ", got " + v);
            return null;
        }
        return v;
    }

    /** The mapping, or null when absent or null; anything else is recorded as an error. */
    YamlNode.Mapping mapping(YamlNode node, String path, int line) {
        if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
            return null;
        }
        if (node instanceof YamlNode.Mapping m) {
            return m;
        }
        problems.error(path, line, "must be a mapping, got " + node.kind());
        return null;
    }

    /** The list, or null when absent or null; anything else is recorded as an error. */
    YamlNode.Sequence sequence(YamlNode node, String path, int line) {
        if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
            return null;
        }
        if (node instanceof YamlNode.Sequence seq) {
            return seq;
        }
        problems.error(path, line, "must be a list, got " + node.kind());
        return null;
    }

    /** Each item's text, null where an item is not a usable value (recorded as an error). */
    List<String> texts(YamlNode.Sequence seq, String path) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String t = text(item, Section.index(path, i), item.line());
            if (item instanceof YamlNode.Scalar s && s.isNull()) {
                problems.error(Section.index(path, i), item.line(), "must not be empty");
            }
            out.add(t);
        }
        return out;
    }
}
