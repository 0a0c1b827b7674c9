package llmproxy.server;

import llmproxy.config.Config;
import llmproxy.config.ConfigLoader;
import llmproxy.logging.Log;
import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real {@code openai} npm client talks to the HTTPS listener, trusting the test CA only through
 * NODE_EXTRA_CA_CERTS, as a Node user behind a private CA would. Skipped when node or the e2e
 * node_modules are missing (install them with {@code cd test/e2e && npm ci}).
 */
class OpenAiClientTlsTest {
    static final Path E2E = Path.of("test", "e2e");
    static final String PROXY_KEY = "sk-proxy-tls-0123456789";

    @TempDir
    Path dir;

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() {
        closer.close();
    }

    @Test
    void openaiNpmClient_completesAndStreamsOverTheTlsListener() throws Exception {
        assumeTrue(Files.isRegularFile(E2E.resolve("node_modules/openai/package.json")),
                "openai npm package not installed in test/e2e");
        assumeTrue(onPath("node"), "node not found");
        TestPki pki = TestPki.create(dir, "Node Test CA");
        TestPki.Identity id = pki.issue("listener", "EC");
        MockUpstream up = closer.upstream((ex, req) -> {
            boolean stream = req.bodyText().contains("\"stream\":true");
            byte[] body = (stream
                    ? "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"stre\"},\"finish_reason\":null}]}\n\n"
                    + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"amed\"},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: [DONE]\n\n"
                    : "{\"id\":\"chatcmpl-tls\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"hello from upstream\"},\"finish_reason\":\"stop\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", stream ? "text/event-stream" : "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        });
        Config config = new ConfigLoader(Map.of("A", up.url())).parse("""
                listen: "127.0.0.1:0"
                proxy_api_key: "%s"
                server:
                  tls:
                    cert_file: "%s"
                    key_file: "%s"
                backends:
                  - name: a
                    url: "${A}"
                models:
                  gpt-tls:
                    routes:
                      - {backend: a, model: up}
                """.formatted(PROXY_KEY, id.chainPem(), id.keyPem()), Path.of("tls.yaml"));
        Log log = closer.add(new llmproxy.logging.CapturedLog().log());
        Gateway gateway = closer.add(Gateway.start(config, log, Clock.systemUTC()));

        ProcessBuilder pb = new ProcessBuilder("node", "tls-listener.mjs",
                "https://localhost:" + gateway.address().getPort() + "/v1", PROXY_KEY, "gpt-tls")
                .directory(E2E.toFile()).redirectErrorStream(true);
        pb.environment().put("NODE_EXTRA_CA_CERTS", pki.caPem().toString());
        pb.environment().keySet().removeIf(k -> k.equalsIgnoreCase("https_proxy") || k.equalsIgnoreCase("http_proxy"));
        Process node = pb.start();
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), out);

        assertEquals(0, node.exitValue(), out);
        assertTrue(out.contains("{\"id\":\"chatcmpl-tls\",\"text\":\"hello from upstream\",\"streamed\":\"streamed\"}"), out);
        assertEquals(2, up.count());
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && List.of(path.split(java.io.File.pathSeparator)).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
