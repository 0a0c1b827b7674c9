package llmproxy.logging;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The general log file: {@code proxy.log} is written as {@code proxy_2026-11-29.log}, a new file each local day,
 * then {@code proxy_2026-11-29.1.log}, {@code .2.log}, ... whenever a file would exceed {@code maxBytes}.
 * Keeps at most {@code maxFiles} of its files, deleting the oldest. Not thread-safe: owned by the writer thread.
 */
final class RollingFile implements Closeable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private record Part(LocalDate day, int index, Path path) {
    }

    private final Path dir;
    private final String stem;
    private final String ext;
    private final long maxBytes;
    private final int maxFiles;
    private final ZoneId zone;
    private final Pattern names;
    private OutputStream out;
    private Path current;
    private long size;
    private LocalDate day;
    private int index;
    private long dayStart = Long.MAX_VALUE;
    private long dayEnd = Long.MIN_VALUE;

    /** {@code maxBytes <= 0} means no size limit, {@code maxFiles <= 0} keeps every file. Opens nothing yet. */
    RollingFile(Path base, long maxBytes, int maxFiles, ZoneId zone) {
        Path abs = base.toAbsolutePath().normalize();
        String name = abs.getFileName().toString();
        int dot = name.lastIndexOf('.');
        this.dir = abs.getParent();
        this.stem = dot > 0 ? name.substring(0, dot) : name;
        this.ext = dot > 0 ? name.substring(dot) : "";
        this.maxBytes = maxBytes <= 0 ? Long.MAX_VALUE : maxBytes;
        this.maxFiles = maxFiles;
        this.zone = zone;
        this.names = Pattern.compile(Pattern.quote(stem) + "_(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?" + Pattern.quote(ext));
    }

    /** Opens (creating folders) the file for the day of {@code millis}, continuing its latest part. */
    void open(long millis) throws IOException {
        LocalDate d = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
        dayStart = d.atStartOfDay(zone).toInstant().toEpochMilli();
        dayEnd = d.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        day = d;
        Files.createDirectories(dir);
        int latest = parts().stream().filter(p -> p.day().equals(d)).mapToInt(Part::index).max().orElse(0);
        openPart(latest);
    }

    /** Writes one record stamped {@code millis}, first switching day or part when needed. */
    void write(byte[] bytes, long millis) throws IOException {
        if (out == null || millis < dayStart || millis >= dayEnd) {
            open(millis);
        }
        if (size > 0 && size + bytes.length > maxBytes) {
            openPart(index + 1);
        }
        out.write(bytes);
        size += bytes.length;
    }

    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    /** The file being written, or null before the first open. */
    Path current() {
        return current;
    }

    @Override
    public void close() throws IOException {
        OutputStream o = out;
        out = null;
        if (o != null) {
            o.close();
        }
    }

    private void openPart(int i) throws IOException {
        close();
        index = i;
        current = dir.resolve(stem + "_" + day + (i > 0 ? "." + i : "") + ext);
        out = new BufferedOutputStream(Files.newOutputStream(current, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), BUFFER_BYTES);
        size = Files.size(current);
        prune();
    }

    /** Deletes the oldest parts beyond {@code maxFiles}; a file that will not go is left for the next try. */
    private void prune() throws IOException {
        if (maxFiles <= 0) {
            return;
        }
        List<Part> all = parts();
        all.sort(Comparator.comparing(Part::day).thenComparingInt(Part::index));
        for (int i = 0; i < all.size() - maxFiles; i++) {
            Path p = all.get(i).path();
            if (!p.equals(current)) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // retention is best effort; writing the log matters more
                }
            }
        }
    }

    private List<Part> parts() throws IOException {
        List<Part> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = names.matcher(p.getFileName().toString());
                if (m.matches()) {
                    try {
                        LocalDate d = LocalDate.parse(m.group(1));
                        result.add(new Part(d, m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), p));
                    } catch (RuntimeException e) {
                        // a look-alike name such as proxy_2026-13-45.log is not ours
                    }
                }
            });
        }
        return result;
    }
}
