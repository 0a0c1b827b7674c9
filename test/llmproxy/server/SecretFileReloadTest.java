package llmproxy.server;

import llmproxy.config.Config;
import llmproxy.config.ConfigLoader;
import llmproxy.logging.Log;
import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A key kept in a mounted secret file ({@code ${file:PATH}}): rotating the file, with the config file
 * untouched, reaches the next requests; the reloader's "content unchanged" shortcut counts the file too.
 */
class SecretFileReloadTest {
    @TempDir
    Path configDir;
    @TempDir
    Path secretDir;

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() {
        closer.close();
    }

    @Test
    void rotatingTheSecretFile_reloads_andTheNewKeyReachesTheBackend() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("ok"));
        Path key = Files.writeString(secretDir.resolve("backend_key"), "sk-first-key-0123456789\n");
        Path file = Files.writeString(configDir.resolve("config.yaml"), """
                listen: "127.0.0.1:0"
                backends:
                  - name: a
                    url: "%s"
                    api_key: "${file:%s}"
                models:
                  m:
                    routes:
                      - {backend: a, model: up}
                """.formatted(up.url(), key));
        ConfigLoader loader = new ConfigLoader(Map.of());
        Config config = loader.load(file);
        Log log = closer.add(new llmproxy.logging.CapturedLog().log());
        log.apply(config.logging(), config.secrets());
        Gateway gateway = closer.add(Gateway.start(config, log, Clock.systemUTC()));
        ConfigReloader reloader = closer.add(ConfigReloader.start(file, loader, gateway, log, Duration.ofMillis(100),
                ConfigReloader.DEFAULT_DEBOUNCE, true));
        HttpClient client = closer.add(HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build());
        URI chat = URI.create("http://127.0.0.1:" + gateway.address().getPort() + "/v1/chat/completions");

        assertEquals("Bearer sk-first-key-0123456789", authorizationSent(client, chat, up));
        Files.writeString(key, "sk-rotated-key-9876543210\n");

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (reloader.reloads() < 1) {
            if (System.nanoTime() > deadline) {
                fail("the changed secret file was not reloaded");
            }
            Thread.sleep(10);
        }
        assertEquals("Bearer sk-rotated-key-9876543210", authorizationSent(client, chat, up));
        assertEquals(1, reloader.reloads(), "one change, one reload");
    }

    static String authorizationSent(HttpClient client, URI chat, MockUpstream up) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(chat).POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"m\"}")).header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return up.last().header("Authorization");
    }

}
