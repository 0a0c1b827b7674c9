package llmproxy.logging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One file per request in {@code requestDir}, named {@code 20261129-183012.123_<requestId>.log}, plus a copy in
 * {@code errorDir} for failed requests. A null folder is skipped. The request id comes from the client, so it
 * only ever decorates a name: a name already taken gets a counter ({@code _<requestId>_2.log}) and no file is
 * ever overwritten. Each folder keeps at most {@code maxFiles} such files, the oldest deleted first; other files
 * in it are never touched. Not thread-safe: used on the log writer thread.
 */
final class RequestFiles {
    /** How the names this class writes look; only such files are counted and deleted. */
    private static final Pattern OURS = Pattern.compile("\\d{8}-\\d{6}\\.\\d{3}_.*\\.log");
    private static final int MAX_ID_CHARS = 100;

    private final Folder requests;
    private final Folder errors;

    /** Creates both folders now, so a broken path is reported at apply time rather than on the first request. */
    RequestFiles(Path requestDir, Path errorDir, int maxFiles) throws IOException {
        this.requests = requestDir == null ? null : new Folder(requestDir, maxFiles);
        this.errors = errorDir == null ? null : new Folder(errorDir, maxFiles);
    }

    void write(String stamp, String requestId, String text, boolean failed) throws IOException {
        String base = stamp + "_" + safe(requestId);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (requests != null) {
            requests.add(base, bytes);
        }
        if (failed && errors != null) {
            errors.add(base, bytes);
        }
    }

    /** The id comes from a client header, so it must not be able to climb out of the folder. */
    static String safe(String id) {
        StringBuilder sb = new StringBuilder(Math.min(id.length(), MAX_ID_CHARS));
        for (int i = 0; i < id.length() && i < MAX_ID_CHARS; i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            sb.append(ok ? c : '_');
        }
        return sb.isEmpty() ? "_" : sb.toString();
    }

    /** One folder and the request files in it, oldest first. */
    private static final class Folder {
        private final Path dir;
        private final int maxFiles;
        private final ArrayDeque<Path> files = new ArrayDeque<>();

        /** Lists the files earlier runs left, so the cap holds across restarts; names sort by time. */
        Folder(Path dir, int maxFiles) throws IOException {
            this.dir = dir;
            this.maxFiles = Math.max(1, maxFiles);
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> OURS.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))
                        .sorted().forEach(files::add);
            }
            trim();
        }

        void add(String base, byte[] bytes) throws IOException {
            for (int n = 1; ; n++) {
                Path p = dir.resolve(n == 1 ? base + ".log" : base + "_" + n + ".log");
                try {
                    Files.write(p, bytes, StandardOpenOption.CREATE_NEW);
                    files.add(p);
                    trim();
                    return;
                } catch (FileAlreadyExistsException e) {
                    // same millisecond and id as an earlier request: try the next counter
                }
            }
        }

        private void trim() {
            while (files.size() > maxFiles) {
                try {
                    Files.deleteIfExists(files.removeFirst());
                } catch (IOException e) {
                    // Left behind (say, opened by a viewer on Windows); no reason to lose this request's file.
                }
            }
        }
    }
}
