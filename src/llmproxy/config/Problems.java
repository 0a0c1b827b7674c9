package llmproxy.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects errors (fatal) and warnings while a config is bound, so all are reported at once,
 * in file order.
 */
final class Problems {
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    void error(String path, int line, String reason) {
        errors.add(new Problem(path, line, reason));
    }

    void warn(String path, int line, String reason) {
        warnings.add(new Problem(path, line, reason));
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    List<Problem> errors() {
        return inFileOrder(errors);
    }

    List<Problem> warnings() {
        return inFileOrder(warnings);
    }

    private static List<Problem> inFileOrder(List<Problem> problems) {
        return problems.stream().sorted(Comparator.comparingInt(Problem::line)).toList();
    }
}
