package llmproxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A config file that cannot be used: every problem found, one per line of the message. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final transient List<Problem> problems;

    public ConfigException(Path file, List<Problem> problems) {
        super(file + ": " + problems.size() + " problem(s)\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public Path file() {
        return file;
    }

    public List<Problem> problems() {
        return problems;
    }
}
