package llmproxy.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RollingFileTest {
    private static final ZoneId ZONE = ZoneId.of("Europe/Paris");

    @TempDir
    Path dir;

    private static long at(String local) {
        return LocalDateTime.parse(local).atZone(ZONE).toInstant().toEpochMilli();
    }

    /** 30 bytes: "line-NN" padded with dots, then a newline. */
    private static byte[] line(int n) {
        String s = String.format("line-%02d", n);
        return (s + ".".repeat(29 - s.length()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void dateGoesBeforeTheExtension_andFoldersAreCreated() throws IOException {
        Path base = dir.resolve("logs/sub/proxy.log");
        try (RollingFile f = new RollingFile(base, 0, 0, ZONE)) {
            f.write(line(1), at("2026-11-29T18:30:12"));
            assertEquals(dir.resolve("logs/sub/proxy_2026-11-29.log"), f.current());
        }
        assertEquals(30, Files.size(dir.resolve("logs/sub/proxy_2026-11-29.log")));
    }

    @Test
    void sizeRotation_rollsToNumberedFile() throws IOException {
        try (RollingFile f = new RollingFile(dir.resolve("proxy.log"), 100, 0, ZONE)) {
            for (int i = 0; i < 10; i++) {
                f.write(line(i), at("2026-11-29T18:30:12"));
            }
        }
        assertEquals(List.of("proxy_2026-11-29.1.log", "proxy_2026-11-29.2.log", "proxy_2026-11-29.3.log",
                "proxy_2026-11-29.log"), names());
        assertEquals(90, Files.size(dir.resolve("proxy_2026-11-29.log")));
        assertTrue(Files.readString(dir.resolve("proxy_2026-11-29.1.log")).startsWith("line-03"));
        assertEquals(30, Files.size(dir.resolve("proxy_2026-11-29.3.log")));
    }

    @Test
    void sizeRotation_aRecordLargerThanTheLimitGetsAFileOfItsOwn() throws IOException {
        try (RollingFile f = new RollingFile(dir.resolve("proxy.log"), 10, 0, ZONE)) {
            f.write(line(1), at("2026-11-29T18:30:12"));
            f.write(line(2), at("2026-11-29T18:30:12"));
        }
        assertEquals(List.of("proxy_2026-11-29.1.log", "proxy_2026-11-29.log"), names());
    }

    @Test
    void reopen_continuesTheLatestPartOfTheDay() throws IOException {
        try (RollingFile f = new RollingFile(dir.resolve("proxy.log"), 100, 0, ZONE)) {
            for (int i = 0; i < 4; i++) {
                f.write(line(i), at("2026-11-29T18:30:12"));
            }
        }
        try (RollingFile f = new RollingFile(dir.resolve("proxy.log"), 100, 0, ZONE)) {
            f.open(at("2026-11-29T19:00:00"));
            assertEquals(dir.resolve("proxy_2026-11-29.1.log"), f.current());
            f.write(line(9), at("2026-11-29T19:00:00"));
        }
        assertEquals(60, Files.size(dir.resolve("proxy_2026-11-29.1.log")));
    }

    @Test
    void dateRotation_newFileAtLocalMidnight() throws IOException {
        try (RollingFile f = new RollingFile(dir.resolve("proxy.log"), 0, 0, ZONE)) {
            f.write(line(1), at("2026-11-29T23:59:59.999"));
            f.write(line(2), at("2026-11-30T00:00:00"));
        }
        assertEquals(List.of("proxy_2026-11-29.log", "proxy_2026-11-30.log"), names());
        assertTrue(Files.readString(dir.resolve("proxy_2026-11-30.log")).startsWith("line-02"));
    }

    @Test
    void maxFiles_deletesTheOldestOfThisLogOnly() throws IOException {
        Files.writeString(dir.resolve("proxy_2026-11-01.log"), "old\n");
        Files.writeString(dir.resolve("proxy_2026-11-02.7.log"), "old\n");
        Files.writeString(dir.resolve("other_2026-11-01.log"), "not ours\n");
        Files.writeString(dir.resolve("proxy_notes.log"), "not ours\n");
        try (RollingFile f = new RollingFile(dir.resolve("proxy.log"), 100, 3, ZONE)) {
            for (int i = 0; i < 10; i++) {
                f.write(line(i), at("2026-11-29T18:30:12"));
            }
        }
        assertEquals(List.of("other_2026-11-01.log", "proxy_2026-11-29.1.log", "proxy_2026-11-29.2.log",
                "proxy_2026-11-29.3.log", "proxy_notes.log"), names());
    }

    @Test
    void fileWithoutExtension_getsTheDateAppended() throws IOException {
        try (RollingFile f = new RollingFile(dir.resolve("proxy"), 10, 0, ZONE)) {
            f.write(line(1), at("2026-11-29T18:30:12"));
            f.write(line(2), at("2026-11-29T18:30:12"));
        }
        assertEquals(List.of("proxy_2026-11-29", "proxy_2026-11-29.1"), names());
    }
}
