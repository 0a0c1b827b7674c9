package llmproxy.config;

/**
 * The {@code logging:} section. {@code level} is one of debug/info/warn/error (lower case).
 * {@code generalFile} empty means stdout only. {@code maxBodyLogBytes} truncates request bodies in
 * per-request blocks. {@code maxRequestFiles} caps the files kept in each of request_dir and error_dir.
 */
public record LogSettings(String level, String generalFile, boolean separateFiles, String requestDir,
                          String errorDir, boolean maskSensitive, boolean enableMetrics, int maxFileSizeMb,
                          int maxFiles, int maxBodyLogBytes, int maxRequestFiles) {
    public static final int DEFAULT_MAX_FILE_SIZE_MB = 100;
    public static final int DEFAULT_MAX_FILES = 30;
    public static final int DEFAULT_MAX_BODY_LOG_BYTES = 4096;
    public static final int DEFAULT_MAX_REQUEST_FILES = 10_000;

    /** Settings with the default {@code maxRequestFiles}. */
    public LogSettings(String level, String generalFile, boolean separateFiles, String requestDir, String errorDir,
                       boolean maskSensitive, boolean enableMetrics, int maxFileSizeMb, int maxFiles,
                       int maxBodyLogBytes) {
        this(level, generalFile, separateFiles, requestDir, errorDir, maskSensitive, enableMetrics, maxFileSizeMb,
                maxFiles, maxBodyLogBytes, DEFAULT_MAX_REQUEST_FILES);
    }

    public static LogSettings defaults() {
        return new LogSettings("info", "", false, "", "", true, false,
                DEFAULT_MAX_FILE_SIZE_MB, DEFAULT_MAX_FILES, DEFAULT_MAX_BODY_LOG_BYTES);
    }
}
