package llmproxy.server;

import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.config.ConfigLoader;
import llmproxy.logging.Log;
import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code server.tls}: the listener speaks HTTPS (HTTP/1.1) from PEM (RSA, EC) or PKCS#12; bad pairs fail the load. */
class TlsListenerTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki.Identity rsa;
    static TestPki.Identity ec;

    @TempDir
    Path logDir;

    final Closer closer = new Closer();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir, "Listener Test CA");
        rsa = pki.issue("rsa", "RSA");
        ec = pki.issue("ec", "EC");
    }

    @AfterEach
    void closeAll() {
        closer.close();
    }

    static String yaml(String tls) {
        return """
                listen: "127.0.0.1:0"
                server:
                  tls:
                %s
                backends:
                  - name: a
                    url: "${A}"
                models:
                  m:
                    routes:
                      - {backend: a, model: up}
                """.formatted(tls.indent(4).stripTrailing());
    }

    static Config load(String yaml, Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env).parse(yaml, Path.of("tls.yaml"));
    }

    /** Starts a gateway from {@code tls} and proves a chat request and /health work over HTTPS and HTTP/1.1. */
    void servesHttps(String tls) throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("over-tls"));
        Config config = load(yaml(tls), Map.of("A", up.url()));
        Log log = closer.add(new llmproxy.logging.CapturedLog().log());
        Gateway gateway = closer.add(Gateway.start(config, log, Clock.systemUTC()));
        HttpClient client = pki.client();
        closer.add(client::shutdownNow);
        URI base = URI.create("https://localhost:" + gateway.address().getPort());

        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("over-tls"));
        assertEquals(HttpClient.Version.HTTP_1_1, r.version());
        assertEquals(200, client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void pemRsaPair_servesHttps() throws Exception {
        servesHttps("cert_file: \"" + rsa.chainPem() + "\"\nkey_file: \"" + rsa.keyPem() + "\"");
    }

    @Test
    void pemEcPair_servesHttps() throws Exception {
        servesHttps("cert_file: \"" + ec.chainPem() + "\"\nkey_file: \"" + ec.keyPem() + "\"");
    }

    @Test
    void pkcs12Keystore_servesHttps() throws Exception {
        servesHttps("keystore: \"" + ec.p12() + "\"\nkeystore_password: \"" + TestPki.PASSWORD + "\"");
    }

    @Test
    void mismatchedPair_isALoadErrorNamingBothFiles() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml(
                "cert_file: \"" + rsa.chainPem() + "\"\nkey_file: \"" + ec.keyPem() + "\""), Map.of("A", "http://x")));
        assertTrue(e.getMessage().contains("server.tls.key_file"), e.getMessage());
        assertTrue(e.getMessage().contains(ec.keyPem() + " does not fit certificate file " + rsa.chainPem()), e.getMessage());
    }

    @Test
    void mismatchedRsaPair_isALoadError() {
        TestPki.Identity other = pki.issue("rsa2", "RSA");
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml(
                "cert_file: \"" + rsa.chainPem() + "\"\nkey_file: \"" + other.keyPem() + "\""), Map.of("A", "http://x")));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void wrongKeystorePassword_isALoadErrorNamingTheKeystore() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml(
                "keystore: \"" + ec.p12() + "\"\nkeystore_password: wrong"), Map.of("A", "http://x")));
        assertTrue(e.getMessage().contains("keystore " + ec.p12()), e.getMessage());
    }

    @Test
    void certificateFileThatIsNotPem_isALoadErrorNamingIt() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml(
                "cert_file: \"" + junk + "\"\nkey_file: \"" + ec.keyPem() + "\""), Map.of("A", "http://x")));
        assertTrue(e.getMessage().contains("certificate file " + junk), e.getMessage());
    }

    @Test
    void reloadChangingTheListenerCertificate_warnsOnceThatARestartIsNeeded() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("x"));
        Map<String, String> env = Map.of("A", up.url(), "LOG", logDir.resolve("proxy.log").toString());
        String logging = "logging:\n  general_file: \"${LOG}\"\n";
        Config first = load(yaml("cert_file: \"" + rsa.chainPem() + "\"\nkey_file: \"" + rsa.keyPem() + "\"") + logging, env);
        Log log = closer.add(new llmproxy.logging.CapturedLog().log());
        log.apply(first.logging(), first.secrets());
        Gateway gateway = closer.add(Gateway.start(first, log, Clock.systemUTC()));

        gateway.apply(load(yaml("cert_file: \"" + ec.chainPem() + "\"\nkey_file: \"" + ec.keyPem() + "\"") + logging, env));
        log.flush();

        String text = GatewayApplyTest.read(logDir);
        assertEquals(1, text.lines().filter(l -> l.contains("[WARN]")).count(), text);
        assertTrue(text.contains("server.tls changed; it applies after a restart"), text);
    }
}
