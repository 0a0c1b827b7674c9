package llmproxy.logging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One file per request in {@code requestDir}, named {@code 20261129-183012.123_<requestId>.log}, plus a copy in
 * {@code errorDir} for failed requests. A null folder is skipped.
 */
final class RequestFiles {
    private final Path requestDir;
    private final Path errorDir;

    /** Creates both folders now, so a broken path is reported at apply time rather than on the first request. */
    RequestFiles(Path requestDir, Path errorDir) throws IOException {
        this.requestDir = requestDir;
        this.errorDir = errorDir;
        if (requestDir != null) {
            Files.createDirectories(requestDir);
        }
        if (errorDir != null) {
            Files.createDirectories(errorDir);
        }
    }

    void write(String stamp, String requestId, String text, boolean failed) throws IOException {
        String name = stamp + "_" + safe(requestId) + ".log";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (requestDir != null) {
            Files.write(requestDir.resolve(name), bytes);
        }
        if (failed && errorDir != null) {
            Files.write(errorDir.resolve(name), bytes);
        }
    }

    /** The id comes from a client header, so it must not be able to climb out of the folder. */
    static String safe(String id) {
        StringBuilder sb = new StringBuilder(id.length());
        for (int i = 0; i < id.length() && i < 100; i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            sb.append(ok ? c : '_');
        }
        return sb.isEmpty() ? "_" : sb.toString();
    }
}
