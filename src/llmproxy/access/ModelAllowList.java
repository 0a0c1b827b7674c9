package llmproxy.access;

import java.util.List;
import java.util.regex.Pattern;

/** A key's {@code models:}: exact alias names and {@code *} globs ({@code *} matches any run of characters). */
final class ModelAllowList {
    private final List<Pattern> patterns;

    ModelAllowList(List<String> entries) {
        this.patterns = entries.stream().map(ModelAllowList::glob).toList();
    }

    boolean allows(String alias) {
        for (Pattern p : patterns) {
            if (p.matcher(alias).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String entry) {
        StringBuilder regex = new StringBuilder();
        for (String part : entry.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
