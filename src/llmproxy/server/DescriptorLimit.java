package llmproxy.server;

import llmproxy.logging.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's open-file limit, read from {@code /proc/self/limits} where there is one, checked against
 * {@code server.max_connections}: the cap only protects the accept loop if the descriptors for it exist.
 */
final class DescriptorLimit {
    static final Path LINUX = Path.of("/proc/self/limits");
    /** Descriptors besides client connections: upstream connections, log files, the JDK's own. */
    static final int RESERVED = 256;

    private DescriptorLimit() {
        throw new AssertionError();
    }

    /** The soft "Max open files" limit in {@code limits} (the /proc format); empty when unknown or unlimited. */
    static OptionalLong soft(Path limits) {
        try {
            for (String line : Files.readAllLines(limits)) {
                if (line.startsWith("Max open files")) {
                    String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                    return fields.length > 0 && fields[0].matches("[0-9]{1,18}")
                            ? OptionalLong.of(Long.parseLong(fields[0])) : OptionalLong.empty();
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc (not Linux) or unreadable: nothing to check.
        }
        return OptionalLong.empty();
    }

    static void warnIfBelow(int maxConnections, Path limits, Log log) {
        OptionalLong limit = soft(limits);
        if (limit.isPresent() && limit.getAsLong() < (long) maxConnections + RESERVED) {
            log.warn("the process may open only " + limit.getAsLong() + " files, fewer than server.max_connections ("
                    + maxConnections + ") plus " + RESERVED + " for upstream connections and files; raise the limit"
                    + " (ulimit -n, LimitNOFILE=) or lower server.max_connections");
        }
    }
}
