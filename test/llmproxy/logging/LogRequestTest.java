package llmproxy.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static llmproxy.logging.LogFixture.NL;
import static llmproxy.logging.LogFixture.count;
import static llmproxy.logging.LogFixture.filesUnder;
import static llmproxy.logging.LogFixture.read;
import static llmproxy.logging.LogFixture.requestSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogRequestTest {
    private static final String OK_SUMMARY = "request r1: POST /v1/chat/completions -> 200 ok";
    private static final String FAILED_SUMMARY = "request r2: POST /v1/chat/completions -> 502 failed";

    @TempDir
    Path dir;

    @Test
    void inlineBlock_isDebugForSuccessAndFailure() {
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("debug", dir.resolve("proxy.log"), false, null, false));
            f.log.request(Traces.ok("r1", f.startMillis()));
            f.log.request(Traces.failed("r2", f.startMillis()));
            String out = f.stdout();
            assertTrue(out.contains("[2026-11-29 18:30:12] [DEBUG] " + OK_SUMMARY + NL + "  time: 2026-11-29 18:30:12.123"
                    + NL), out);
            assertTrue(out.contains("[2026-11-29 18:30:12] [DEBUG] " + FAILED_SUMMARY + NL), out);
            assertTrue(out.contains(NL + "  attempt 1: backend=a model=m1 url=http://a.test/v1/chat/completions status=503"
                    + " action=fallback took=12.3ms" + NL), out);
            assertEquals(out, read(dir.resolve("proxy_2026-11-29.log")));
        }
    }

    @Test
    void inlineBlock_isSkippedAtInfo_evenForAFailure_whoseOneLineTheProxyWritesItself() {
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("info", null, false, null, false));
            f.log.request(Traces.ok("r1", f.startMillis()));
            f.log.request(Traces.failed("r2", f.startMillis()));
            String out = f.stdout();
            assertFalse(out.contains("request r1"), out);
            assertFalse(out.contains("request r2"), out);
        }
    }

    @Test
    void separateFiles_oneFilePerRequest_andErrorCopyOnlyForFailed() {
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("debug", dir.resolve("proxy.log"), true, dir, false));
            f.log.request(Traces.ok("r1", f.startMillis()));
            f.log.request(Traces.failed("r2", f.startMillis()));
            f.log.flush();
            Path ok = dir.resolve("requests/20261129-183012.123_r1.log");
            Path failed = dir.resolve("requests/20261129-183012.123_r2.log");
            Path copy = dir.resolve("errors/20261129-183012.123_r2.log");
            assertEquals(List.of(copy, dir.resolve("proxy_2026-11-29.log"), ok, failed), filesUnder(dir));
            assertTrue(read(ok).startsWith(OK_SUMMARY + NL + "  time: 2026-11-29 18:30:12.123" + NL), read(ok));
            assertTrue(read(failed).startsWith(FAILED_SUMMARY + NL));
            assertEquals(read(failed), read(copy));
            assertEquals("", read(dir.resolve("proxy_2026-11-29.log")));
        }
    }

    @Test
    void separateFiles_requestIdCannotLeaveTheFolder() {
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("info", null, true, dir, false));
            f.log.request(Traces.ok("../../evil", f.startMillis()));
            f.log.flush();
            assertEquals(List.of(dir.resolve("requests/20261129-183012.123_______evil.log")), filesUnder(dir));
        }
    }

    @Test
    void separateFiles_unwritableFolder_fallsBackInlineWithOneErrorLine() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a regular file");
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("info", null, true, blocker, false));
            f.log.request(Traces.failed("r2", f.startMillis()));
            f.log.request(Traces.failed("r3", f.startMillis()));
            String out = f.stdout();
            assertEquals(1, count(out, "[ERROR] cannot write log file(s) "), out);
            assertTrue(out.contains("[WARN] " + FAILED_SUMMARY + NL), out);
            assertTrue(out.contains("[WARN] request r3: "), out);
        }
    }

    @Test
    void metrics_oneInfoLinePerRequest() {
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("info", null, false, null, true));
            f.log.request(Traces.ok("r1", f.startMillis()));
            assertEquals("[2026-11-29 18:30:12] [INFO] [r1] metrics: alias=gpt status=200 backend=b attempts=2 "
                    + "ttfb=40.0ms total=80.0ms backends=[a/m1:12.3ms:503, b/m2:40.1ms:200]" + NL, f.stdout());
        }
    }

    @Test
    void metrics_offByDefault() {
        try (LogFixture f = new LogFixture()) {
            f.apply(requestSettings("debug", null, true, dir, false));
            f.log.request(Traces.ok("r1", f.startMillis()));
            assertEquals("", f.stdout());
        }
    }
}
