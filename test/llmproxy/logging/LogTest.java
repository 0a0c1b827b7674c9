package llmproxy.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

import static llmproxy.logging.LogFixture.NL;
import static llmproxy.logging.LogFixture.count;
import static llmproxy.logging.LogFixture.filesUnder;
import static llmproxy.logging.LogFixture.read;
import static llmproxy.logging.LogFixture.settings;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTest {
    @TempDir
    Path dir;

    @Test
    void line_hasTimestampLevelAndMessage_onStdoutAndInTheDatedFile() {
        try (LogFixture f = new LogFixture()) {
            f.apply(settings("info", dir.resolve("logs/proxy.log")));
            f.log.info("hello world");
            String expected = "[2026-11-29 18:30:12] [INFO] hello world" + NL;
            assertEquals(expected, f.stdout());
            assertTrue(expected.matches("\\[\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}] \\[(DEBUG|INFO|WARN|ERROR)] .*\\R"));
            assertEquals(expected, read(dir.resolve("logs/proxy_2026-11-29.log")));
        }
    }

    @Test
    void level_filtersLowerLevels() {
        try (LogFixture f = new LogFixture()) {
            f.apply(settings("warn", null));
            f.log.debug("d");
            f.log.info("i");
            f.log.warn("w");
            f.log.error("e");
            assertFalse(f.log.isEnabled(Level.INFO));
            assertTrue(f.log.isEnabled(Level.WARN));
            assertEquals("[2026-11-29 18:30:12] [WARN] w" + NL + "[2026-11-29 18:30:12] [ERROR] e" + NL, f.stdout());
        }
    }

    @Test
    void level_beforeApplyIsInfo_andUnknownLevelFallsBackToInfo() {
        try (LogFixture f = new LogFixture()) {
            f.log.debug("hidden");
            f.log.info("shown");
            f.apply(settings("verbose", null));
            f.log.debug("hidden too");
            assertEquals("[2026-11-29 18:30:12] [INFO] shown" + NL, f.stdout());
        }
    }

    @Test
    void apply_reloadSwitchesLevelAndFile() {
        try (LogFixture f = new LogFixture()) {
            f.apply(settings("info", dir.resolve("a/proxy.log")));
            f.log.debug("d1");
            f.log.info("first");
            f.apply(settings("debug", dir.resolve("b/proxy.log")));
            f.log.debug("d2");
            f.log.info("second");
            f.log.flush();
            assertEquals("[2026-11-29 18:30:12] [INFO] first" + NL, read(dir.resolve("a/proxy_2026-11-29.log")));
            assertEquals("[2026-11-29 18:30:12] [DEBUG] d2" + NL + "[2026-11-29 18:30:12] [INFO] second" + NL,
                    read(dir.resolve("b/proxy_2026-11-29.log")));
        }
    }

    @Test
    void error_appendsTheStackTraceAfterTheMessage() {
        try (LogFixture f = new LogFixture()) {
            f.log.error("boom", new IllegalStateException("bad state"));
            String[] lines = f.stdout().split("\\R");
            assertEquals("[2026-11-29 18:30:12] [ERROR] boom", lines[0]);
            assertEquals("java.lang.IllegalStateException: bad state", lines[1]);
            assertTrue(lines[2].startsWith("\tat llmproxy.logging.LogTest."), lines[2]);
        }
    }

    @Test
    void dateRotation_newFileAtLocalMidnight() {
        try (LogFixture f = new LogFixture()) {
            f.clock.set(LocalDateTime.parse("2026-11-29T23:59:59.500"));
            f.apply(settings("info", dir.resolve("proxy.log")));
            f.log.info("before midnight");
            f.clock.advance(Duration.ofSeconds(1));
            f.log.info("after midnight");
            f.log.flush();
            assertEquals("[2026-11-29 23:59:59] [INFO] before midnight" + NL, read(dir.resolve("proxy_2026-11-29.log")));
            assertEquals("[2026-11-30 00:00:00] [INFO] after midnight" + NL, read(dir.resolve("proxy_2026-11-30.log")));
        }
    }

    @Test
    void emptyGeneralFile_writesToStdoutOnly() {
        try (LogFixture f = new LogFixture()) {
            f.apply(settings("info", null));
            f.log.info("only here");
            assertEquals("[2026-11-29 18:30:12] [INFO] only here" + NL, f.stdout());
            assertEquals(List.of(), filesUnder(dir));
        }
    }

    @Test
    void close_drainsQueuedLines_andLaterCallsGoStraightToStdout() {
        LogFixture f = new LogFixture();
        f.apply(settings("info", dir.resolve("proxy.log")));
        for (int i = 0; i < 1000; i++) {
            f.log.info("line " + i);
        }
        f.close();
        assertEquals(1000, read(dir.resolve("proxy_2026-11-29.log")).lines().count());
        assertDoesNotThrow(() -> {
            f.log.warn("after close");
            f.log.request(Traces.failed("r1", f.startMillis()));
            f.log.flush();
            f.log.close();
        });
        String out = f.out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.endsWith("[2026-11-29 18:30:12] [WARN] after close" + NL), out);
        assertEquals(1000, read(dir.resolve("proxy_2026-11-29.log")).lines().count());
    }

    @Test
    void unwritableFolder_degradesToStdoutWithOneErrorLine_andResumesAfterApply() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a regular file");
        try (LogFixture f = new LogFixture()) {
            assertDoesNotThrow(() -> {
                f.apply(settings("info", blocker.resolve("logs/proxy.log")));
                f.log.info("still logged");
                f.log.error("also logged", new RuntimeException("x"));
            });
            String out = f.stdout();
            assertEquals(1, count(out, "[ERROR] cannot write log file(s) "), out);
            assertTrue(out.contains("[INFO] still logged" + NL), out);
            assertEquals(List.of(blocker), filesUnder(dir));

            f.apply(settings("info", dir.resolve("good/proxy.log")));
            f.log.info("back on disk");
            f.log.flush();
            assertEquals("[2026-11-29 18:30:12] [INFO] back on disk" + NL, read(dir.resolve("good/proxy_2026-11-29.log")));
        }
    }

    @Test
    void fileDeletedUnderneath_isRecreatedOnNextOpen_orDegradesWithoutThrowing() throws IOException {
        try (LogFixture f = new LogFixture()) {
            f.apply(settings("info", dir.resolve("logs/proxy.log")));
            f.log.info("one");
            f.log.flush();
            // Turn the folder into a file: the next midnight switch cannot open a new file there.
            Files.delete(dir.resolve("logs/proxy_2026-11-29.log"));
            Files.delete(dir.resolve("logs"));
            Files.writeString(dir.resolve("logs"), "now a file");
            f.clock.advance(Duration.ofDays(1));
            assertDoesNotThrow(() -> f.log.info("two"));
            String out = f.stdout();
            assertTrue(out.contains("[INFO] two" + NL), out);
            assertEquals(1, count(out, "[ERROR] cannot write log file(s) "), out);
            f.log.info("three");
            assertEquals(1, count(f.stdout(), "[ERROR] cannot write log file(s) "));
        }
    }
}
