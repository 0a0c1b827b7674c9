package llmproxy.server;

import llmproxy.config.Config;
import llmproxy.logging.Level;
import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reload swaps besides routes: the logging settings, from the next line on. */
class GatewayApplyTest {
    static final String CONFIG = """
            listen: "127.0.0.1:0"
            proxy_api_key: "%s"
            backends:
              - name: a
                url: "${A}"
            models:
              "m":
                routes:
                  - backend: a
                    model: "ma"
            logging:
              level: %s
              general_file: "${DIR}/%s/proxy.log"
            """;

    @TempDir
    Path dir;

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() {
        closer.close();
    }

    @Test
    void reloadAppliesLogLevelFileAndMaskingFromTheNextLine() throws IOException {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        Map<String, String> env = Map.of("A", a.url(), "DIR", dir.toString());
        String oldKey = "sk-old-proxy-key-0123456789";
        String newKey = "sk-new-proxy-key-9876543210";
        ProxyFixture p = closer.proxy(CONFIG.formatted(oldKey, "warn", "first"), env, new TestClock(0));
        p.log().info("before the reload: " + newKey);

        Config next = ProxyFixture.config(CONFIG.formatted(newKey, "debug", "second"), env);
        p.gateway().apply(next);
        p.log().debug("after the reload: " + newKey);
        p.log().flush();

        assertTrue(p.log().isEnabled(Level.DEBUG));
        String first = read(dir.resolve("first"));
        String second = read(dir.resolve("second"));
        assertFalse(first.contains("before the reload"), "an INFO line passed the old WARN level: " + first);
        assertTrue(second.contains("[DEBUG] after the reload: sk-ne****3210"), second);
        assertFalse(second.contains(newKey), second);
        assertEquals(200, p.post("/v1/chat/completions", "{\"model\":\"m\"}",
                "Authorization", "Bearer " + newKey).statusCode());
        assertEquals(401, p.post("/v1/chat/completions", "{\"model\":\"m\"}",
                "Authorization", "Bearer " + oldKey).statusCode());
    }

    static final String SERVER_CONFIG = """
            listen: "%s"
            backends:
              - name: a
                url: "${A}"
            models:
              "m":
                routes:
                  - backend: a
                    model: "ma"
            server:
              max_concurrent: %d
              max_body_mb: %d
              read_timeout_seconds: %d
            logging:
              level: info
              general_file: "${DIR}/log/proxy.log"
            """;

    /** Applies each config in turn; returns the WARN lines the reloads logged. */
    List<String> warningsOf(String... configs) throws IOException {
        MockUpstream a = closer.upstream(MockUpstream.chatOk("a"));
        Map<String, String> env = Map.of("A", a.url(), "DIR", dir.toString());
        ProxyFixture p = closer.proxy(configs[0], env, new TestClock(0));
        for (int i = 1; i < configs.length; i++) {
            p.gateway().apply(ProxyFixture.config(configs[i].replace("PORT", Integer.toString(p.port())), env));
        }
        p.log().flush();
        return read(dir.resolve("log")).lines().filter(l -> l.contains("[WARN]"))
                .map(l -> l.substring(l.indexOf("[WARN]")).replace(Integer.toString(p.port()), "PORT")).toList();
    }

    @Test
    void listenOnlyChange_warnsAboutListenAlone_namingTheServedAddress() throws IOException {
        assertEquals(List.of("[WARN] config: listen changed from \"127.0.0.1:0\" to \"127.0.0.1:1\"; a restart is"
                        + " needed, still serving on 127.0.0.1:PORT"),
                warningsOf(SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 30),
                        SERVER_CONFIG.formatted("127.0.0.1:1", 0, 64, 30)));
    }

    @Test
    void maxConcurrentAndMaxBodyMb_applyLive_soTheirChangeWarnsAboutNothing() throws IOException {
        assertEquals(List.of(), warningsOf(SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 30),
                SERVER_CONFIG.formatted("127.0.0.1:0", 5, 8, 30)));
    }

    @Test
    void connectTimeout_appliesLive_soItsChangeWarnsAboutNothing() throws IOException {
        String base = SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 30);
        assertEquals(List.of(), warningsOf(base, base + "timeouts:\n  connect_seconds: 3\n"));
    }

    @Test
    void listenSetBackToTheServedAddress_asksForNoRestart() throws IOException {
        assertEquals(List.of("[WARN] config: listen changed from \"127.0.0.1:0\" to \"127.0.0.1:1\"; a restart is"
                        + " needed, still serving on 127.0.0.1:PORT"),
                warningsOf(SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 30),
                        SERVER_CONFIG.formatted("127.0.0.1:1", 0, 64, 30),
                        SERVER_CONFIG.formatted("127.0.0.1:PORT", 0, 64, 30),
                        SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 30)));
    }

    @Test
    void startUpOnlyServerSetting_warnsByName_andNotAgainWhenSetBack() throws IOException {
        assertEquals(List.of("[WARN] config: server.read_timeout_seconds changed; it applies after a restart"),
                warningsOf(SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 30),
                        SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 10),
                        SERVER_CONFIG.formatted("127.0.0.1:0", 0, 64, 30)));
    }

    static String read(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.sorted().toList()) {
                sb.append(Files.readString(f));
            }
        }
        return sb.toString();
    }
}
