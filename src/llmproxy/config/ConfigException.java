package llmproxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A config file that cannot be used. A syntax error reads {@code FILE:LINE:COLUMN: what was expected};
 * a validation failure names the file and then lists every problem, one per line.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final transient List<Problem> problems;
    private final transient List<Problem> warnings;

    /** Validation failure: every problem found, one per line of the message. */
    public ConfigException(Path file, List<Problem> problems) {
        this(file, problems, List.of());
    }

    /**
     * Validation failure that also carries the warnings found in the same pass, so {@code -check} can show
     * every finding at once; the message lists only the problems.
     */
    public ConfigException(Path file, List<Problem> problems, List<Problem> warnings) {
        this(file, problems, warnings, file + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "\n" + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    }

    private ConfigException(Path file, List<Problem> problems, List<Problem> warnings, String message) {
        super(message);
        this.file = file;
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
    }

    /** The text is not in the supported YAML subset; line and column are 1-based. */
    static ConfigException syntax(Path file, int line, int column, String expected) {
        return new ConfigException(file, List.of(new Problem("yaml", line, "column " + column + ": " + expected)), List.of(),
                file + ":" + line + ":" + column + ": " + expected);
    }

    /** The file could not be read at all. */
    static ConfigException unreadable(Path file, String reason) {
        return new ConfigException(file, List.of(new Problem("file", 0, reason)), List.of(), file + ": " + reason);
    }

    public Path file() {
        return file;
    }

    public List<Problem> problems() {
        return problems;
    }

    /** Non-fatal findings of the same load; empty for syntax and read errors, which stop before binding. */
    public List<Problem> warnings() {
        return warnings;
    }
}
