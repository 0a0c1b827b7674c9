package llmproxy.net;

import com.sun.net.httpserver.HttpsServer;
import llmproxy.testkit.Closer;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import llmproxy.testkit.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An https:// backend whose certificate a corporate CA signed (made at test time): trusted only with
 * {@code tls.ca_files}, which adds to the JDK's CAs and never replaces them.
 */
class CorporateCaTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static HttpsServer backend;

    final Closer closer = new Closer();

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir, "Corp Root CA");
        backend = pki.issue("backend", "RSA").httpsServer();
        backend.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"id\":\"corp-backend\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
    }

    @AfterAll
    static void stop() {
        backend.stop(0);
    }

    @AfterEach
    void closeAll() {
        closer.close();
    }

    ProxyFixture proxy(String tls) {
        return closer.proxy("""
                listen: "127.0.0.1:0"
                %s
                backends:
                  - name: corp
                    url: "https://localhost:%d/v1"
                models:
                  m:
                    routes:
                      - {backend: corp, model: up}
                """.formatted(tls, backend.getAddress().getPort()), Map.of(), new TestClock(0));
    }

    @Test
    void withoutCaFiles_theCorporateCertificateIsRefused() {
        HttpResponse<String> r = proxy("").post("/v1/chat/completions", "{\"model\":\"m\"}");
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("TLS failure"), r.body());
    }

    @Test
    void withCaFiles_theCorporateCertificateIsTrusted() {
        HttpResponse<String> r = proxy("tls:\n  ca_files: [\"" + pki.caPem() + "\"]")
                .post("/v1/chat/completions", "{\"model\":\"m\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("corp-backend"));
    }

    @Test
    void compositeTrust_keepsEveryJdkDefaultIssuer_andAddsTheCorporateOne() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        X509Certificate[] defaults = Arrays.stream(tmf.getTrustManagers()).filter(t -> t instanceof X509TrustManager)
                .map(t -> ((X509TrustManager) t).getAcceptedIssuers()).findFirst().orElseThrow();
        assertTrue(defaults.length > 50, "the JDK ships public CAs: " + defaults.length);

        List<X509Certificate> accepted = List.of(TlsContexts.trustManager(List.of(pki.caCertificate())).getAcceptedIssuers());

        Set<String> names = accepted.stream().map(c -> c.getSubjectX500Principal().getName()).collect(Collectors.toSet());
        for (X509Certificate d : defaults) {
            assertTrue(accepted.contains(d), "default issuer kept: " + d.getSubjectX500Principal());
        }
        assertTrue(names.contains("CN=Corp Root CA"), "corporate CA added");
        assertEquals(defaults.length + 1, accepted.size());
    }
}
