package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a real proxied run leaves in its log files: every request, and never a configured key. */
class LoggingEndToEndTest {
    static final String PROXY_KEY = "sk-proxy-logging-e2e-0123456789";
    static final String KEY_A = "sk-backend-a-logging-e2e-aaaaaaaa";
    static final String KEY_B = "backend-b-plain-secret-bbbbbbbbbb";

    static final String CONFIG = """
            listen: "127.0.0.1:0"
            proxy_api_key: "%s"
            backends:
              - name: a
                url: "${A}"
                api_key: "%s"
              - name: b
                url: "${B}"
                api_key: "%s"
            models:
              "m":
                routes:
                  - backend: a
                    model: "ma"
                    priority: 1
                  - backend: b
                    model: "mb"
                    priority: 2
            logging:
              level: debug
              general_file: "${DIR}/general/proxy.log"
              separate_files: %s
              request_dir: "${DIR}/requests"
              error_dir: "${DIR}/errors"
              enable_metrics: true
            """;

    @TempDir
    Path dir;

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() {
        closer.close();
    }

    ProxyFixture proxy(boolean separateFiles, MockUpstream a, MockUpstream b, Path logDir) {
        return closer.proxy(CONFIG.formatted(PROXY_KEY, KEY_A, KEY_B, separateFiles),
                Map.of("A", a.url(), "B", b.url(), "DIR", logDir.toString()), new TestClock(1_700_000_000_000L));
    }

    /** Requests in every style, including one whose body and query carry the keys themselves. */
    static void traffic(ProxyFixture p) {
        assertEquals(200, p.post("/v1/chat/completions", "{\"model\":\"m\"}",
                "Authorization", "Bearer " + PROXY_KEY).statusCode());
        assertEquals(200, p.post("/v1/messages?api_key=" + KEY_B, "{\"model\":\"m\",\"note\":\"" + KEY_A + "\"}",
                "x-api-key", PROXY_KEY).statusCode());
        assertEquals(404, p.post("/v1/chat/completions", "{\"model\":\"nope\"}",
                "Authorization", "Bearer " + PROXY_KEY).statusCode());
        // Refused before any request work: a WARN line, no request block.
        assertEquals(401, p.post("/v1/chat/completions", "{\"model\":\"m\"}",
                "Authorization", "Bearer sk-wrong-key-not-configured-123").statusCode());
    }

    @Test
    void separateFilesHoldEveryRequestAndNoFileHoldsAConfiguredKey() throws IOException {
        MockUpstream a = closer.upstream(MockUpstream.sequence(MockUpstream.json(500, "{\"e\":1}"),
                MockUpstream.chatOk("a")));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(true, a, b, dir);

        traffic(p);
        p.settle();

        List<Path> requests = files(dir.resolve("requests"));
        List<Path> errors = files(dir.resolve("errors"));
        assertEquals(3, requests.size(), requests.toString());
        assertEquals(1, errors.size(), "only the unknown model failed: " + errors);
        assertTrue(read(errors).contains("404 model_not_found"), read(errors));
        String general = read(files(dir.resolve("general")));
        assertTrue(general.contains("request succeeded: backend=b"), general);
        assertTrue(general.contains("metrics: alias=m status=200"), general);
        assertTrue(general.contains("authentication failed: client=127.0.0.1"), general);
        assertNoConfiguredKey(files(dir));
    }

    @Test
    void inlineBlocksInTheGeneralLogHoldNoConfiguredKey() throws IOException {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(false, a, b, dir);

        traffic(p);
        p.settle();

        String general = read(files(dir.resolve("general")));
        assertTrue(general.contains("attempt 1: backend=a"), general);
        assertNoConfiguredKey(files(dir));
    }

    @Test
    void unwritableLogFolderDoesNotBreakRequests() throws IOException {
        Path notADir = Files.writeString(dir.resolve("occupied"), "a file where the log folder should be");
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(true, a, b, notADir);

        for (int i = 0; i < 3; i++) {
            assertEquals(200, p.post("/v1/chat/completions", "{\"model\":\"m\"}",
                    "Authorization", "Bearer " + PROXY_KEY).statusCode());
        }
        p.settle();

        assertEquals(List.of(notADir), files(dir));
        assertEquals(3, a.count());
        assertTrue(p.logOutput().contains("[ERROR] cannot write log file(s) " + notADir), p.logOutput());
    }

    @Test
    void aModelNameCarryingALogLine_forgesNoLineInTheGeneralLogOrTheRequestFiles() throws IOException {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(true, a, b, dir);

        assertEquals(404, p.post("/v1/chat/completions",
                "{\"model\":\"x\\n[2026-01-01 00:00:00] [ERROR] FAKE\\u001b[31m\"}",
                "Authorization", "Bearer " + PROXY_KEY).statusCode());
        p.settle();

        List<Path> all = files(dir);
        assertEquals(3, all.size(), "general log, request file, error copy: " + all);
        String text = read(all);
        assertTrue(text.contains("x\\n[2026-01-01 00:00:00] [ERROR] FAKE\\u001b[31m"), text);
        for (String line : text.split("\\R")) {
            assertFalse(line.startsWith("[2026-01-01"), "forged line: " + line);
        }
        assertFalse(text.contains("\u001b"), text);
    }

    @Test
    void fortyRequestsWithTheSameRequestId_leaveFortyRequestFiles() throws Exception {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        MockUpstream b = closer.upstream(MockUpstream.chatOk("b"));
        ProxyFixture p = proxy(true, a, b, dir);

        // All at once, so several start in the same millisecond: the id and the time alone would collide.
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String body = "{\"model\":\"m\",\"n\":" + i + "}";
                statuses.add(pool.submit(() -> p.post("/v1/chat/completions", body,
                        "Authorization", "Bearer " + PROXY_KEY, "X-Request-ID", "same-id").statusCode()));
            }
            for (Future<Integer> status : statuses) {
                assertEquals(200, status.get());
            }
        }
        p.settle();

        List<Path> requests = files(dir.resolve("requests"));
        assertEquals(40, requests.size(), requests.toString());
        for (int i = 0; i < 40; i++) {
            assertTrue(read(requests).contains("\"n\":" + i + "}"), "request " + i + " kept its file");
        }
    }

    static void assertNoConfiguredKey(List<Path> files) throws IOException {
        assertFalse(files.isEmpty());
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            for (String key : List.of(PROXY_KEY, KEY_A, KEY_B)) {
                assertFalse(text.contains(key), f + " contains " + key.substring(0, 5) + "…");
                assertFalse(text.contains(key.substring(0, 12)), f + " contains the start of a key");
            }
        }
    }

    static List<Path> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static String read(List<Path> files) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            sb.append(Files.readString(f, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
