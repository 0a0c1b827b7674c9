package llmproxy.logging;

import llmproxy.config.LogSettings;
import llmproxy.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static llmproxy.logging.LogFixture.NL;
import static llmproxy.logging.LogFixture.filesUnder;
import static llmproxy.logging.LogFixture.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogMaskingTest {
    private static final String SK = "sk-live-0123456789abcdefXYZ";
    private static final String PLAIN = "cfgsecret-9f8e7d6c5b4a3210";
    private static final String SHORT = "tinykey12";
    private static final String UNCONFIGURED_SK = "sk-unconfigured-abcdef123456";
    private static final String UNCONFIGURED_HEADER = "notconfiguredvalue123456";
    private static final List<String> KEYS = List.of(SK, PLAIN, SHORT, UNCONFIGURED_SK, UNCONFIGURED_HEADER);

    @TempDir
    Path dir;

    @Test
    void configuredAndPatternKeys_neverReachAnyFileOrStdout() {
        // A body limit that cuts PLAIN in half: the cut must not reveal more than the masked form does.
        LogSettings s = new LogSettings("debug", dir.resolve("logs/proxy.log").toString(), true,
                dir.resolve("logs/requests").toString(), dir.resolve("logs/errors").toString(), true, true, 100, 30, 36);
        try (LogFixture f = new LogFixture()) {
            f.apply(s, Secret.of(SK), Secret.of(PLAIN), Secret.of(SHORT));
            f.log.info("backend key is " + PLAIN + " and " + SK + " and " + SHORT);
            f.log.info("x-api-key: " + UNCONFIGURED_HEADER);
            f.log.warn("body {\"api_key\":\"" + PLAIN + "\",\"x-api-key\": \"" + UNCONFIGURED_HEADER + "\"}");
            f.log.debug("GET /v1/models?api_key=" + PLAIN + "&key=" + SHORT);
            f.log.info("Authorization: Bearer " + UNCONFIGURED_SK);
            f.log.error("upstream failed", new IllegalStateException("rejected key " + SK));
            f.log.request(Traces.of("r1", f.startMillis(), 502,
                    Traces.headers("Authorization", "Bearer " + SK, "X-api-key", UNCONFIGURED_HEADER),
                    "{\"model\":\"gpt\",\"api_key\":\"" + PLAIN + "\",\"more\":\"" + "x".repeat(100) + "\"}"));
            f.log.flush();
            List<Path> files = filesUnder(dir);
            assertEquals(3, files.size(), files.toString());
            StringBuilder all = new StringBuilder(f.stdout());
            for (Path p : files) {
                all.append(read(p));
            }
            for (String key : KEYS) {
                assertFalse(all.toString().contains(key.substring(0, 8)), key + " leaked in:\n" + all);
            }
            assertTrue(all.toString().contains("Authorization: Bearer sk-li****fXYZ"), all.toString());
            assertTrue(all.toString().contains("\"api_key\":\"cfgse****3210\""), all.toString());
        }
    }

    @Test
    void maskSensitiveOff_writesTheTextAsIs() {
        try (LogFixture f = new LogFixture()) {
            f.apply(new LogSettings("info", "", false, "", "", false, false, 100, 30, 4096), Secret.of(PLAIN));
            f.log.info("key " + PLAIN);
            assertEquals("[2026-11-29 18:30:12] [INFO] key " + PLAIN + NL, f.stdout());
        }
    }

    @Test
    void maskingIsOnBeforeTheFirstApply() {
        try (LogFixture f = new LogFixture()) {
            f.log.info("Authorization: Bearer " + UNCONFIGURED_SK);
            assertEquals("[2026-11-29 18:30:12] [INFO] Authorization: Bearer sk-un****3456" + NL, f.stdout());
        }
    }
}
