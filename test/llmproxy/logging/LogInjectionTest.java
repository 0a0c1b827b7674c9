package llmproxy.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static llmproxy.logging.LogFixture.NL;
import static llmproxy.logging.LogFixture.filesUnder;
import static llmproxy.logging.LogFixture.read;
import static llmproxy.logging.LogFixture.requestSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client- and upstream-controlled text cannot forge a log line or reach a terminal raw. */
class LogInjectionTest {
    static final String FORGED_MODEL = "x\n[2026-01-01 00:00:00] [ERROR] FAKE";
    /** A record starts with a timestamp at the start of a line; every other line of a record is indented. */
    private static final Pattern RECORD_START = Pattern.compile("^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d] ");

    @TempDir
    Path dir;

    @Test
    void forgedLineInAMessage_staysOnTheLineThatQuotesIt() {
        try (LogFixture f = new LogFixture()) {
            f.apply(LogFixture.settings("info", dir.resolve("proxy.log")));
            f.log.info("[r1] request: model=" + FORGED_MODEL + " client=127.0.0.1");
            String out = f.stdout();
            assertEquals("[2026-11-29 18:30:12] [INFO] [r1] request: model=x\\n[2026-01-01 00:00:00] [ERROR] FAKE"
                    + " client=127.0.0.1" + NL, out);
            assertEquals(out, read(dir.resolve("proxy_2026-11-29.log")));
        }
    }

    @Test
    void controlCharactersInAMessage_areEscaped() {
        try (LogFixture f = new LogFixture()) {
            f.log.warn("value \u001b[2J\u0000\r\tend");
            assertEquals("[2026-11-29 18:30:12] [WARN] value \\u001b[2J\\u0000\\r\\tend" + NL, f.stdout());
        }
    }

    @Test
    void exceptionMessages_areEscapedInStackTraces() {
        try (LogFixture f = new LogFixture()) {
            f.log.error("upstream failed", new IllegalStateException("bad status line " + FORGED_MODEL,
                    new RuntimeException("cause\r\n[2026-01-01 00:00:00] [ERROR] FAKE2")));
            String out = f.stdout();
            String[] lines = out.split("\\R");
            assertEquals("java.lang.IllegalStateException: bad status line x\\n[2026-01-01 00:00:00] [ERROR] FAKE",
                    lines[1]);
            assertTrue(out.contains(NL + "Caused by: java.lang.RuntimeException: cause\\r\\n[2026-01-01 00:00:00]"
                    + " [ERROR] FAKE2" + NL), out);
            assertTrue(out.contains(NL + "\t... "), "frames shared with the enclosing trace are elided: " + out);
            assertOneRecordPerEvent(out, 1);
        }
    }

    @Test
    void hostileTrace_forgesNoLineInlineOrInRequestFiles() {
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("debug", dir.resolve("proxy.log"), false, null, false));
            f.log.request(hostileTrace(f.startMillis()));
            f.apply(requestSettings("debug", dir.resolve("proxy.log"), true, dir, true));
            f.log.request(hostileTrace(f.startMillis()));
            f.log.flush();

            // inline block (WARN) + metrics line; the file copy of the block goes to requests/ and errors/
            assertOneRecordPerEvent(read(dir.resolve("proxy_2026-11-29.log")), 2);
            List<Path> files = filesUnder(dir.resolve("requests"));
            assertEquals(1, files.size(), files.toString());
            String block = read(files.get(0));
            assertFalse(RECORD_START.matcher(block).find(), block);
            for (String line : block.split("\\R")) {
                assertTrue(line.startsWith("  ") || line.startsWith("request "), "unindented line: " + line);
            }
            for (String text : List.of(f.stdout(), block, read(filesUnder(dir.resolve("errors")).get(0)))) {
                assertSafe(text);
                assertTrue(text.contains("x\\n[2026-01-01 00:00:00] [ERROR] FAKE"), text);
            }
            assertTrue(block.contains(NL + "    X-Evil: a\\u0000b\\u001b[31mc\\r\\nd" + NL), block);
            assertTrue(block.contains("  body (") && block.contains(NL + "    [2026-01-01 00:00:00] [ERROR] BODY"),
                    "the body's own line breaks continue indented: " + block);
        }
    }

    private static RequestTrace hostileTrace(long startMillis) {
        RequestTrace t = new RequestTrace("r\n1", startMillis, Traces.T0, "127.0.0.1:5\u001b0", "POST",
                "/v1/chat\r\n[2026-01-01 00:00:00] [ERROR] PATH");
        t.request(Traces.headers("X-Evil", "a\u0000b\u001b[31mc\r\nd", "X-Name\n[2026-01-01 00:00:00] H", "v"),
                ("{\"model\":\"x\"}\n[2026-01-01 00:00:00] [ERROR] BODY\r\n\u001b[0m\u0000").getBytes(),
                FORGED_MODEL);
        t.attempt(new RequestTrace.Attempt("a", FORGED_MODEL, "http://a.test/v1", -1, "bad\nstatus\u0000line",
                "give up", Traces.T0, Traces.T0 + 1_000_000L));
        t.finish(502, "a", "failed", Traces.T0 + 2_000_000L);
        return t;
    }

    /** No raw control character other than the line separators and tabs that start stack frames. */
    private static void assertSafe(String text) {
        String lines = text.replace(NL, "\n");
        for (int i = 0; i < lines.length(); i++) {
            char c = lines.charAt(i);
            assertFalse(c < 0x20 && c != '\n' && c != '\t' || c == 0x7f, "raw control U+" + (int) c + " in:\n" + text);
        }
    }

    private static void assertOneRecordPerEvent(String text, int records) {
        assertSafe(text);
        String[] lines = text.split("\\R");
        int starts = 0;
        for (String line : lines) {
            if (RECORD_START.matcher(line).find()) {
                starts++;
            } else {
                assertTrue(line.startsWith(" ") || line.startsWith("\t") || line.startsWith("java.")
                        || line.startsWith("Caused by: "), "a continuation line that could pass for a record: " + line);
            }
        }
        assertEquals(records, starts, text);
        assertFalse(text.contains(NL + "[2026-01-01"), text);
    }
}
