package llmproxy.config;

/**
 * Where to listen (from {@code listen}) and the optional {@code server:} limits.
 * {@code host} empty means all interfaces; {@code maxConcurrent} 0 means no cap; {@code maxConnections} caps
 * open client connections (idle ones included). {@code writeTimeoutSeconds}: how long one write to a client may
 * stay blocked (a client that stopped reading) before its connection is closed.
 */
public record ServerSettings(String host, int port, int maxBodyMb, int maxConcurrent, int readTimeoutSeconds,
                             int idleTimeoutSeconds, int shutdownGraceSeconds, int maxConnections,
                             int writeTimeoutSeconds) {
    public static ServerSettings defaults() {
        return new ServerSettings("", 8080, 64, 0, 30, 60, 30, 10_000, 60);
    }

    public long maxBodyBytes() {
        return maxBodyMb * 1024L * 1024L;
    }
}
