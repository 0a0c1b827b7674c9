package llmproxy.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in config values. The default applies when
 * the variable is unset or empty, as in the shell; an unset variable without one is an error.
 */
final class EnvSubstitution {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;

    EnvSubstitution(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * The names of the {@code ${NAME}} references (without a default) in {@code text} whose variable is set
     * but empty; for keys, where an empty value would silently mean "no key".
     */
    List<String> setButEmpty(String text) {
        List<String> names = new ArrayList<>();
        int open = text.indexOf("${");
        while (open >= 0) {
            int close = text.indexOf('}', open + 2);
            if (close < 0) {
                break;
            }
            String body = text.substring(open + 2, close);
            if (!body.contains(":-") && "".equals(env.get(body))) {
                names.add(body);
            }
            open = text.indexOf("${", close + 1);
        }
        return names;
    }

    /** @throws IllegalArgumentException naming every unset variable, or a malformed reference */
    String expand(String text) {
        int open = text.indexOf("${");
        if (open < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        int from = 0;
        while (open >= 0) {
            out.append(text, from, open);
            int close = text.indexOf('}', open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated \"${\" in \"" + text + "\" (expected '}')");
            }
            String body = text.substring(open + 2, close);
            int sep = body.indexOf(":-");
            String name = sep < 0 ? body : body.substring(0, sep);
            String fallback = sep < 0 ? null : body.substring(sep + 2);
            if (!NAME.matcher(name).matches() || fallback != null && fallback.contains("${")) {
                throw new IllegalArgumentException("malformed reference \"${" + body + "}\"; expected ${NAME} or ${NAME:-default}");
            }
            String value = env.get(name);
            if (value == null || value.isEmpty() && fallback != null) {
                if (fallback == null) {
                    missing.add(name);
                    value = "";
                } else {
                    value = fallback;
                }
            }
            out.append(value);
            from = close + 1;
            open = text.indexOf("${", from);
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException((missing.size() == 1 ? "environment variable " : "environment variables ")
                    + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " not set (use ${" + missing.get(0) + ":-default} to give a default)");
        }
        return out.append(text, from, text.length()).toString();
    }
}
