package llmproxy.logging;

import llmproxy.config.LogSettings;
import llmproxy.config.Secret;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

/** A Log on a hand-moved clock (2026-11-29 18:30:12.123, Paris) writing "stdout" into memory. */
final class LogFixture implements AutoCloseable {
    static final ZoneId ZONE = ZoneId.of("Europe/Paris");
    static final LocalDateTime START = LocalDateTime.parse("2026-11-29T18:30:12.123");
    static final String NL = System.lineSeparator();

    final TestClock clock = new TestClock(START, ZONE);
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final Log log;

    LogFixture() {
        this(Log.DEFAULT_QUEUE_CAPACITY, () -> { });
    }

    LogFixture(int queueCapacity, Runnable beforeBatch) {
        log = new Log(clock, new PrintStream(out, true, StandardCharsets.UTF_8), queueCapacity, beforeBatch);
    }

    static LogSettings settings(String level, Path generalFile) {
        return new LogSettings(level, generalFile == null ? "" : generalFile.toString(), false, "", "", true, false,
                LogSettings.DEFAULT_MAX_FILE_SIZE_MB, LogSettings.DEFAULT_MAX_FILES, LogSettings.DEFAULT_MAX_BODY_LOG_BYTES);
    }

    static LogSettings requestSettings(String level, Path generalFile, boolean separate, Path dir, boolean metrics) {
        return new LogSettings(level, generalFile == null ? "" : generalFile.toString(), separate,
                dir == null ? "" : dir.resolve("requests").toString(), dir == null ? "" : dir.resolve("errors").toString(),
                true, metrics, LogSettings.DEFAULT_MAX_FILE_SIZE_MB, LogSettings.DEFAULT_MAX_FILES,
                LogSettings.DEFAULT_MAX_BODY_LOG_BYTES);
    }

    void apply(LogSettings s, Secret... secrets) {
        log.apply(s, List.of(secrets));
    }

    long startMillis() {
        return START.atZone(ZONE).toInstant().toEpochMilli();
    }

    /** Everything written to stdout so far, after flushing the writer. */
    String stdout() {
        log.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> filesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        log.close();
    }
}
