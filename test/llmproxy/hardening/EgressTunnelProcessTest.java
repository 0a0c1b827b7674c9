package llmproxy.hardening;

import com.sun.net.httpserver.HttpsServer;
import llmproxy.testkit.ConnectProxy;
import llmproxy.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar in its own JVM, as deployed: an https:// backend signed by a corporate CA, reached through an
 * egress proxy that demands Basic credentials on the CONNECT tunnel. Proves Main enables Basic for
 * tunnels before the HttpClient reads the setting (the JDK disables it by default), that tls.ca_files is
 * trusted, and that the proxy password never reaches the log.
 */
class EgressTunnelProcessTest {
    static final String PROXY_PASSWORD = "tunnel-pass-9f8e7d6c";

    @TempDir
    Path dir;

    @Test
    void httpsBackendThroughAnAuthenticatingProxy_getsBasicOnTheConnectTunnel() throws Exception {
        run(true);
    }

    /** The control: with the JDK's default (Basic disabled for tunnels) the same set-up fails, and says why. */
    @Test
    void withBasicDisabledForTunnels_theTunnelIsRefused_andTheStartLogWarns() throws Exception {
        run(false, "-Djdk.http.auth.tunneling.disabledSchemes=Basic");
    }

    /** A wrong proxy password is rejected again after the retry: the reason names the 407, not a JDK internal. */
    @Test
    void wrongProxyPasswordOnTheTunnel_failsWithA407Reason() throws Exception {
        String body = runWith(false, "wrong-pass-0a1b2c3d");
        assertTrue(body.contains("egress proxy refused the CONNECT tunnel: 407 Proxy Authentication Required"), body);
        assertFalse(body.contains("Cannot invoke") || body.contains("wrong-pass-0a1b2c3d"), body);
    }

    private void run(boolean expectSuccess, String... jvmOptions) throws Exception {
        runWith(expectSuccess, PROXY_PASSWORD, jvmOptions);
    }

    /** Returns the proxy's answer body. */
    private String runWith(boolean expectSuccess, String password, String... jvmOptions) throws Exception {
        TestPki pki = TestPki.create(dir, "Corp Root CA");
        HttpsServer backend = pki.issue("backend", "RSA").httpsServer();
        backend.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"id\":\"through-the-tunnel\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        String target = "localhost:" + backend.getAddress().getPort();
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
        try (ConnectProxy proxy = ConnectProxy.start("corp", PROXY_PASSWORD);
             ProxyProcess jar = ProxyProcess.start("""
                     listen: "127.0.0.1:${PORT}"
                     upstream_proxy: "%s"
                     tls:
                       ca_files: ["%s"]
                     backends:
                       - name: corp
                         url: "https://%s/v1"
                         api_key: sk-corp-backend-0123456789
                     models:
                       m:
                         routes:
                           - {backend: corp, model: up}
                     """.formatted(proxy.url("corp:" + password), pki.caPem(), target), jvmOptions)) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + jar.port() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());

            String log = jar.log();
            if (expectSuccess) {
                assertEquals(200, r.statusCode(), r.body() + "\n" + log);
                assertTrue(r.body().contains("through-the-tunnel"));
                assertEquals(List.of(target), proxy.tunnels());
                assertTrue(proxy.challenges() >= 1, "the first CONNECT is challenged, the retry carries Basic");
            } else {
                assertEquals(502, r.statusCode(), r.body() + "\n" + log);
                assertTrue(proxy.tunnels().isEmpty());
                assertTrue(log.contains("disables Basic for tunnels") == (jvmOptions.length > 0), log);
            }
            assertTrue(log.contains("backend corp: via http://corp:****@127.0.0.1:" + proxy.port()), log);
            assertFalse(log.contains(PROXY_PASSWORD) || log.contains(password), log);
            return r.body();
        } finally {
            backend.stop(0);
            client.shutdownNow();
        }
    }
}
