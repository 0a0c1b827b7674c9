package llmproxy.server;

import llmproxy.config.Config;
import llmproxy.config.ConfigLoader;
import llmproxy.logging.Log;
import llmproxy.routing.Candidate;
import llmproxy.testkit.MockUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Live reload end to end: a real gateway started the way Main does, its real config file rewritten in each way
 * operators (and editors, and Kubernetes) do it, and real requests proving which config answers.
 */
class ConfigReloadTest {
    /**
     * Long enough that only folder events can explain a reload within the 2 s deadline; except where the JDK's
     * WatchService itself polls every 10 s (macOS), where the reloader's own poll has to meet it.
     */
    static final Duration NO_POLL = hasNativeWatchService() ? Duration.ofMinutes(5) : Duration.ofMillis(500);
    static final Duration FAST_POLL = Duration.ofMillis(200);
    static final Duration DEADLINE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    final List<AutoCloseable> closeables = new ArrayList<>();
    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    MockUpstream a;
    MockUpstream b;
    Path file;
    Path logFile;
    Log log;
    Gateway gateway;
    ConfigReloader reloader;
    Duration debounce = ConfigReloader.DEFAULT_DEBOUNCE;
    /** The proxy key requests send, when the config sets one. */
    String key;

    static boolean hasNativeWatchService() {
        try (WatchService ws = FileSystems.getDefault().newWatchService()) {
            return !ws.getClass().getSimpleName().contains("Polling");
        } catch (IOException e) {
            return false;
        }
    }

    static void symlink(Path link, Path target) throws IOException {
        try {
            Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            assumeTrue(false, "symbolic links are not available here: " + e);
        }
    }

    @BeforeEach
    void upstreams() throws IOException {
        a = upstream(MockUpstream.chatOk("from-a"));
        b = upstream(MockUpstream.chatOk("from-b"));
        file = dir.resolve("config.yaml");
        logFile = dir.resolve("gateway.log");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        client.shutdownNow();
    }

    MockUpstream upstream(MockUpstream.Script script) throws IOException {
        MockUpstream m = MockUpstream.start(script);
        closeables.add(m);
        return m;
    }

    /** Alias "m" served by {@code backend} (model "model-BACKEND"); both backends exist. */
    String yaml(String backend) {
        return yaml(backend, "127.0.0.1:0", "");
    }

    String yaml(String backend, String listen, String extraModels) {
        return """
                listen: "%s"
                backends:
                  - name: a
                    url: "${A}"
                  - name: b
                    url: "${B}"
                models:
                  "m":
                    routes:
                      - backend: %s
                        model: "model-%s"
                %slogging:
                  level: info
                  general_file: "%s"
                """.formatted(listen, backend, backend, extraModels, logFile.toString().replace("\\", "/"));
    }

    /** Starts the gateway as Main does: load the file, apply its logging, start, then watch. */
    void start(Path configFile, Duration poll, boolean watchFolder) throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of("A", a.url(), "B", b.url()));
        Config config = loader.load(configFile);
        log = new llmproxy.logging.CapturedLog().log();
        log.apply(config.logging(), config.secrets());
        gateway = Gateway.start(config, log, Clock.systemUTC());
        closeables.add(log);
        closeables.add(gateway);
        reloader = ConfigReloader.start(configFile, loader, gateway, log, poll, debounce, watchFolder);
        closeables.add(reloader);
    }

    void startWith(String yaml, Duration poll) throws Exception {
        Files.writeString(file, yaml);
        start(file, poll, true);
    }

    HttpResponse<String> chat(String model) {
        return chat(model, key);
    }

    HttpResponse<String> chat(String model, String proxyKey) {
        HttpRequest.Builder req = HttpRequest.newBuilder(proxyUri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5));
        if (proxyKey != null) {
            req.header("Authorization", "Bearer " + proxyKey);
        }
        try {
            return client.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI proxyUri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.address().getPort() + path);
    }

    String answerer() {
        HttpResponse<String> r = chat("m");
        return r.statusCode() == 200 && r.body().contains("\"from-b\"") ? "b"
                : r.statusCode() == 200 && r.body().contains("\"from-a\"") ? "a"
                : r.statusCode() + " " + r.body();
    }

    /** Asks the proxy until backend {@code expected} answers; fails when that takes longer than 2 s. */
    void assertAnsweredByWithin2s(String expected) {
        long start = System.nanoTime();
        String last = null;
        while (System.nanoTime() - start < DEADLINE.toNanos()) {
            last = answerer();
            if (last.equals(expected)) {
                return;
            }
            pause(20);
        }
        fail("backend " + expected + " did not answer within " + DEADLINE + "; last answer: " + last);
    }

    /** The general log file's text; it is written as gateway_DATE.log, in the config's own folder. */
    String logText() throws IOException {
        log.flush();
        StringBuilder text = new StringBuilder();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "gateway_*.log")) {
            for (Path f : files) {
                text.append(Files.readString(f));
            }
        }
        return text.toString();
    }

    long logCount(String needle) throws IOException {
        return logText().lines().filter(l -> l.contains(needle)).count();
    }

    static void await(String what, BooleanSupplier condition) {
        await(what, DEADLINE, condition);
    }

    static void await(String what, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            pause(20);
        }
    }

    void awaitLog(String needle) throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (logCount(needle) == 0) {
            if (System.nanoTime() > deadline) {
                fail("no log line \"" + needle + "\" within " + DEADLINE + " in:\n" + logText());
            }
            pause(20);
        }
    }

    /** Waits until the reloader has examined the file at least once more than {@code before} times. */
    void awaitCheckAfter(int before) {
        await("the reloader to look at the file", () -> reloader.checks() > before);
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void inPlaceWrite_switchesTheRouteWithin2Seconds() throws Exception {
        startWith(yaml("a"), NO_POLL);
        assertEquals("a", answerer());

        Files.writeString(file, yaml("b"));

        assertAnsweredByWithin2s("b");
        assertEquals("model-b", b.last().bodyText().replaceAll(".*\"model\":\"([^\"]+)\".*", "$1"));
        awaitLog("config reloaded: 2 backends, 1 aliases (aliases changed: m)");
        assertEquals(1, reloader.reloads());
    }

    @Test
    void renameOver_appliesWithin2Seconds() throws Exception {
        startWith(yaml("a"), NO_POLL);
        assertEquals("a", answerer());

        Path tmp = dir.resolve(".config.yaml.swp");
        Files.writeString(tmp, yaml("b"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        assertAnsweredByWithin2s("b");
        assertEquals(1, reloader.reloads());
    }

    @Test
    void kubernetesSymlinkSwap_appliesWithin2Seconds() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_v1"));
        Files.writeString(v1.resolve("config.yaml"), yaml("a"));
        symlink(dir.resolve("..data"), Path.of("..2026_v1"));
        symlink(file, Path.of("..data", "config.yaml"));
        start(file, NO_POLL, true);
        assertEquals("a", answerer());

        Path v2 = Files.createDirectory(dir.resolve("..2026_v2"));
        Files.writeString(v2.resolve("config.yaml"), yaml("b"));
        symlink(dir.resolve("..data_tmp"), Path.of("..2026_v2"));
        Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        Files.delete(v1.resolve("config.yaml"));
        Files.delete(v1);

        assertAnsweredByWithin2s("b");
        assertEquals(1, reloader.reloads());
    }

    @Test
    void withoutFolderEvents_pollingTheFileAppliesTheChangeWithin2Seconds() throws Exception {
        Files.writeString(file, yaml("a"));
        start(file, Duration.ofMillis(500), false);
        assertEquals("a", answerer());

        Files.writeString(file, yaml("b"));

        assertAnsweredByWithin2s("b");
    }

    @Test
    void invalidFile_keepsTheOldConfigAndLogsOneErrorPerChange_untilItIsFixed() throws Exception {
        startWith(yaml("a"), FAST_POLL);
        String invalid = yaml("nope").replace("url: \"${B}\"", "url: \"not a url\"");

        Files.writeString(file, invalid);
        awaitLog("config reload failed");
        for (int i = 0; i < 5; i++) {
            assertEquals("a", answerer());
        }
        int checks = reloader.checks();
        Files.writeString(file, invalid);   // the same bad content again: no second ERROR
        awaitCheckAfter(checks);
        assertEquals("a", answerer());

        String text = logText();
        assertEquals(1, logCount("[ERROR] config reload failed"), text);
        assertTrue(text.contains("(line 6)"), "the url problem names its line:\n" + text);
        assertTrue(text.contains("(line 10)"), "the unknown backend names its line:\n" + text);
        assertEquals(0, reloader.reloads());

        Files.writeString(file, yaml("b"));
        assertAnsweredByWithin2s("b");
        assertEquals(1, logCount("[ERROR] config reload failed"));
    }

    @Test
    void deletedFile_keepsTheOldConfigWithOneWarn_andRecreatingItReloads() throws Exception {
        startWith(yaml("a"), FAST_POLL);

        Files.delete(file);
        awaitLog("config file deleted; keeping the current config");
        int checks = reloader.checks();
        Files.writeString(file, yaml("b"));   // a burst that leaves the file deleted again: no second WARN
        Files.delete(file);
        awaitCheckAfter(checks);
        assertEquals("a", answerer());
        assertEquals(1, logCount("[WARN] config: " + file.toAbsolutePath() + ": config file deleted"), logText());

        Files.writeString(file, yaml("b"));
        assertAnsweredByWithin2s("b");
        awaitLog("config reloaded");
        assertEquals(1, logCount("[WARN] config: " + file.toAbsolutePath() + ": config file deleted"), logText());
    }

    @Test
    void unchangedContent_rewrittenOrTouched_doesNotReload() throws Exception {
        startWith(yaml("a"), FAST_POLL);

        int checks = reloader.checks();
        Files.writeString(file, yaml("a"));
        awaitCheckAfter(checks);
        checks = reloader.checks();
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        awaitCheckAfter(checks);

        assertEquals("a", answerer());
        assertEquals(0, reloader.reloads());
        assertFalse(logText().contains("config reloaded"), logText());
    }

    @Test
    void streamStartedBeforeAReload_completesIntactAfterIt() throws Exception {
        int events = 15;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            sent.add("{\"n\":" + i + "}");
        }
        MockUpstream.Script sse = MockUpstream.sse(sent, 100, true);
        a.script((ex, req) -> {
            if (req.bodyText().contains("\"stream\":true")) {
                sse.respond(ex, req);
            } else {
                MockUpstream.chatOk("from-a").respond(ex, req);
            }
        });
        startWith(yaml("a"), NO_POLL);
        List<String> received = new CopyOnWriteArrayList<>();
        CountDownLatch firstEvent = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> readStream(received, firstEvent));
        assertTrue(firstEvent.await(2, TimeUnit.SECONDS), "the stream never started");

        Files.writeString(file, yaml("b").replace("""
                  - name: a
                    url: "${A}"
                """, ""));   // backend a, the one streaming, is removed entirely
        assertAnsweredByWithin2s("b");
        int whenReloaded = received.size();
        reader.join(5000);

        assertTrue(whenReloaded < events, "the reload happened after the stream had ended: " + whenReloaded);
        List<String> expected = new ArrayList<>(sent.stream().map(e -> "data: " + e).toList());
        expected.add("data: [DONE]");
        assertEquals(expected, received);
    }

    private void readStream(List<String> received, CountDownLatch firstEvent) {
        HttpRequest req = HttpRequest.newBuilder(proxyUri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}"))
                .build();
        try {
            HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isEmpty()) {
                        received.add(line);
                        firstEvent.countDown();
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            received.add("failed: " + e);
        }
    }

    @Test
    void cooldowns_surviveAReloadForPairsThatStillExist_andRemovedPairsAreForgotten() throws Exception {
        a.script(MockUpstream.json(500, "{\"error\":\"down\"}"));
        MockUpstream c = upstream(MockUpstream.json(500, "{\"error\":\"down\"}"));
        String twoRoutes = """
                  "m":
                    routes:
                      - backend: a
                        model: "model-a"
                        priority: 1
                      - backend: b
                        model: "model-b"
                        priority: 2
                """;
        String withC = yaml("a").replace("""
                  "m":
                    routes:
                      - backend: a
                        model: "model-a"
                """, twoRoutes + """
                  "n":
                    routes:
                      - backend: c
                        model: "model-c"
                        priority: 1
                      - backend: b
                        model: "model-b"
                        priority: 2
                """).replace("backends:\n", "backends:\n  - name: c\n    url: \"" + c.url() + "\"\n");
        startWith(withC, NO_POLL);
        assertEquals("b", answerer());          // a failed over to b: (a, model-a) cools down
        assertEquals(200, chat("n").statusCode()); // c failed over to b: (c, model-c) cools down
        Candidate.Pair pairA = new Candidate.Pair("a", "model-a");
        Candidate.Pair pairC = new Candidate.Pair("c", "model-c");
        assertTrue(gateway.cooldowns().until(pairA) > 0);
        assertTrue(gateway.cooldowns().until(pairC) > 0);

        Files.writeString(file, yaml("a").replace("""
                  "m":
                    routes:
                      - backend: a
                        model: "model-a"
                """, twoRoutes + """
                  "o":
                    routes:
                      - backend: b
                        model: "model-o"
                """));
        await("the reload", () -> reloader.reloads() == 1);
        assertEquals(200, chat("o").statusCode());

        assertTrue(gateway.cooldowns().until(pairA) > 0, "the cooldown of a still-existing pair was lost");
        assertEquals(0, gateway.cooldowns().until(pairC), "the cooldown of a removed pair was kept");
        int aBefore = a.count();
        assertEquals("b", answerer());
        assertEquals(aBefore, a.count(), "a cooled-down pair was tried again after the reload");
        awaitLog("(backends removed: c; aliases added: o; aliases removed: n)");
    }

    @Test
    void changedListen_logsARestartWarning_andKeepsServingOnTheOldPort() throws Exception {
        startWith(yaml("a"), NO_POLL);
        int port = gateway.address().getPort();

        Files.writeString(file, yaml("b", "127.0.0.1:1", ""));

        assertAnsweredByWithin2s("b");
        assertEquals(port, gateway.address().getPort());
        awaitLog("[WARN] config: listen changed from \"127.0.0.1:0\" to \"127.0.0.1:1\"; a restart is needed");
        awaitLog("settings changed: listen");
    }

    /**
     * The file is written in two steps, as a slow writer or a copy over the network does; the first part alone
     * is a valid config. Only the complete file may be applied, once.
     */
    void halfWrittenFile_isAppliedOnlyOnceComplete(boolean watchFolder) throws Exception {
        debounce = Duration.ofSeconds(1);
        Files.writeString(file, yaml("a"));
        start(file, watchFolder ? NO_POLL : FAST_POLL, watchFolder);
        String half = yaml("b");
        String complete = half + "fallback:\n  cooldown_seconds: 7\n";

        int checks = reloader.checks();
        Files.writeString(file, half);
        await("the reloader to read the half-written file", Duration.ofSeconds(5), () -> reloader.checks() > checks);
        Files.writeString(file, complete);

        await("the reload of the complete file", Duration.ofSeconds(8),
                () -> gateway.snapshot().config().fallback().cooldownSeconds() == 7);
        assertEquals("b", answerer());
        assertEquals(1, reloader.reloads(), logText());
        assertEquals(1, logCount("config reloaded: 2 backends, 1 aliases (aliases changed: m; settings changed: fallback)"),
                logText());
    }

    @Test
    void halfWrittenFile_onThePollPath_isAppliedOnlyOnceItIsComplete() throws Exception {
        halfWrittenFile_isAppliedOnlyOnceComplete(false);
    }

    @Test
    void halfWrittenFile_onTheWatchPath_isAppliedOnlyOnceItIsComplete() throws Exception {
        halfWrittenFile_isAppliedOnlyOnceComplete(true);
    }

    @Test
    void reloadThatWouldTurnAuthenticationOff_isRefusedWithOneError_emptyFileIsAnError_andTheKeyStaysRequired()
            throws Exception {
        key = "sk-reload-proxy-key-0123456789";
        String withKey = "proxy_api_key: \"" + key + "\"\n";
        startWith(withKey + yaml("a"), FAST_POLL);
        assertEquals("a", answerer());

        Files.writeString(file, yaml("b"));   // the key line lost, e.g. by a bad edit
        awaitLog("config reload refused");
        assertEquals("a", answerer());
        assertEquals(401, chat("m", null).statusCode());

        Files.writeString(file, "");          // ": > config.yaml", or a writer caught between truncate and write
        awaitLog("the config file is empty");
        assertEquals("a", answerer());
        assertEquals(401, chat("m", null).statusCode());

        Files.writeString(file, withKey + yaml("b"));
        assertAnsweredByWithin2s("b");
        assertEquals(401, chat("m", null).statusCode());
        String text = logText();
        assertEquals(1, logCount("[ERROR] config reload refused: " + file.toAbsolutePath() + " has no usable"
                + " proxy_api_key or client key, so authentication would turn off; keeping the current config (to run without"
                + " authentication on purpose, restart the proxy with that config)"), text);
        assertEquals(2, logCount("[ERROR]"), text);
        assertEquals(1, logCount("[ERROR] config reload failed"), text);
        assertEquals(1, reloader.reloads());
    }

    @Test
    void deletedFile_onThePollPath_isLoggedOnce_notOncePerPoll() throws Exception {
        Files.writeString(file, yaml("a"));
        start(file, FAST_POLL, false);

        Files.delete(file);
        awaitLog("config file deleted; keeping the current config");
        int polls = reloader.polls();
        await("five more polls", () -> reloader.polls() > polls + 5);

        assertEquals(1, logCount("config file deleted"), logText());
        assertEquals("a", answerer());
    }

    @Test
    void reload_warnsOnlyAboutWhatIsNew_notAgainAboutWhatTheRunningConfigAlreadyHad() throws Exception {
        startWith(yaml("a"), FAST_POLL); // no proxy_api_key: a warning, said at start-up
        Files.writeString(file, yaml("b"));
        assertAnsweredByWithin2s("b");
        Files.writeString(file, yaml("a") + "unknown_setting: 1\n");
        assertAnsweredByWithin2s("a");
        awaitLog("unknown_setting");

        assertEquals(0, logCount("authentication is off"), logText());
        assertEquals(1, logCount("unknown_setting"), logText());
    }

    @Test
    void close_stopsWatching() throws Exception {
        startWith(yaml("a"), FAST_POLL);

        long start = System.nanoTime();
        reloader.close();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "close() was slow");
        Files.writeString(file, yaml("b"));

        assertEquals("a", answerer());
        assertEquals(0, reloader.checks());
    }
}
