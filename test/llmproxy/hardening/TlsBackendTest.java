package llmproxy.hardening;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An https:// backend through the jar: a loopback HttpsServer with a throw-away certificate that the proxy's
 * JVM trusts. Covers the TLS path of the shared HttpClient (ALPN, TLS work run on the client's own threads).
 */
class TlsBackendTest {
    static final String BACKEND_KEY = "sk-tls-backend-secret-0123456789";

    @TempDir
    static Path dir;

    static HttpsServer upstream;
    static final List<String> seenAuth = new CopyOnWriteArrayList<>();
    static ProxyProcess proxy;

    @BeforeAll
    static void start() throws Exception {
        Path keys = dir.resolve("upstream.p12");
        Path trust = dir.resolve("trust.p12");
        Path cert = dir.resolve("upstream.pem");
        keytool("-genkeypair", "-alias", "up", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keys.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "up", "-rfc", "-keystore", keys.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "up", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trust.toString(), "-storepass", "changeit");

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(keys)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        upstream = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.setHttpsConfigurator(new HttpsConfigurator(ctx));
        upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        upstream.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seenAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            OutputStream out = ex.getResponseBody();
            if (body.contains("\"stream\":true")) {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                for (int i = 0; i < 3; i++) {
                    out.write(("data: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            } else {
                byte[] answer = ("{\"echo\":" + body + "}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, answer.length);
                out.write(answer);
            }
            ex.close();
        });
        upstream.start();
        proxy = ProxyProcess.start("""
                listen: "127.0.0.1:${PORT}"
                proxy_api_key: "%s"
                backends:
                  - name: tls
                    url: "https://127.0.0.1:%d/v1"
                    api_key: "%s"
                models:
                  "gpt":
                    routes:
                      - backend: tls
                        model: "m"
                logging:
                  level: warn
                """.formatted(RawHttp.PROXY_KEY, upstream.getAddress().getPort(), BACKEND_KEY),
                "-Djavax.net.ssl.trustStore=" + trust, "-Djavax.net.ssl.trustStorePassword=changeit");
    }

    static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(ProxyProcess.javaBin("keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "keytool failed: " + out);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
    }

    @Test
    void jsonAndSseAnswersComeBackOverTlsWithTheBackendKey() throws IOException {
        RawHttp.Response json = RawHttp.send(proxy.port(), RawHttp.chat("gpt", false), Duration.ofSeconds(10));
        RawHttp.Response sse = RawHttp.send(proxy.port(), RawHttp.chat("gpt", true), Duration.ofSeconds(10));

        assertEquals(200, json.status(), json.all());
        assertTrue(new String(json.body(), StandardCharsets.UTF_8).startsWith("{\"echo\":{\"model\":\"m\""), json.all());
        assertEquals(200, sse.status(), sse.all());
        assertEquals("data: {\"n\":0}\n\ndata: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n",
                new String(sse.body(), StandardCharsets.UTF_8));
        assertEquals(List.of("Bearer " + BACKEND_KEY, "Bearer " + BACKEND_KEY), seenAuth);
    }
}
