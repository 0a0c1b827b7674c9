package llmproxy.config;

/**
 * Where to listen (from {@code listen}) and the optional {@code server:} limits.
 * {@code host} empty means all interfaces; {@code maxConcurrent} 0 means no cap; {@code tls} null means
 * plain HTTP.
 */
public record ServerSettings(String host, int port, int maxBodyMb, int maxConcurrent, int readTimeoutSeconds,
                             int idleTimeoutSeconds, int shutdownGraceSeconds, ListenerTls tls) {
    /** Settings for a plain-HTTP listener. */
    public ServerSettings(String host, int port, int maxBodyMb, int maxConcurrent, int readTimeoutSeconds,
                          int idleTimeoutSeconds, int shutdownGraceSeconds) {
        this(host, port, maxBodyMb, maxConcurrent, readTimeoutSeconds, idleTimeoutSeconds, shutdownGraceSeconds, null);
    }

    public static ServerSettings defaults() {
        return new ServerSettings("", 8080, 64, 0, 30, 60, 30);
    }

    public long maxBodyBytes() {
        return maxBodyMb * 1024L * 1024L;
    }
}
