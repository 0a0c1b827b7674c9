package llmproxy;

import java.nio.file.Path;

/**
 * The parsed command line: {@code [-config FILE] [-check] [-demo] [-version] [-h]}. Accepts the original's
 * spellings {@code -config FILE}, {@code --config FILE} and {@code -config=FILE}, for every flag.
 */
record CommandLine(Path config, boolean check, boolean version, boolean help, boolean demo) {
    static final String USAGE = """
            usage: java -jar llm-proxy.jar [-config FILE] [-check] [-demo] [-version] [-h]
              -config FILE   config file (default: config.yaml in the working directory)
              -check         load and validate the config, print a summary or every problem, then exit
              -demo          run with a built-in config and fake providers on 127.0.0.1; prints curl commands to try
              -version       print the version and exit
              -h, --help     print this help and exit
            exit codes: 0 ok, and after SIGTERM/SIGINT once every request finished; 1 config or start-up failure,
              or a shutdown whose grace period cut requests short; 2 bad usage""";

    /** Thrown for bad usage; the message says what was wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static CommandLine parse(String... args) throws UsageException {
        Path config = Path.of("config.yaml");
        boolean check = false;
        boolean version = false;
        boolean help = false;
        boolean demo = false;
        boolean configGiven = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : arg.startsWith("-") ? arg.substring(1) : null;
            if (name == null || name.isEmpty()) {
                throw new UsageException("unexpected argument \"" + arg + "\"");
            }
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "config", "c" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("-config needs a file name");
                        }
                        value = args[++i];
                    }
                    if (value.isEmpty()) {
                        throw new UsageException("-config needs a file name");
                    }
                    config = Path.of(value);
                    configGiven = true;
                }
                case "check" -> check = noValue(name, value);
                case "version", "v" -> version = noValue(name, value);
                case "h", "help" -> help = noValue(name, value);
                case "demo" -> demo = noValue(name, value);
                default -> throw new UsageException("unknown option \"" + arg + "\"");
            }
        }
        if (demo && (configGiven || check)) {
            throw new UsageException("-demo runs its built-in configuration; it takes no -config or -check");
        }
        return new CommandLine(config, check, version, help, demo);
    }

    private static boolean noValue(String name, String value) throws UsageException {
        if (value != null) {
            throw new UsageException("-" + name + " takes no value");
        }
        return true;
    }
}
