package llmproxy.testkit;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority made with the JDK's keytool at test time, and server identities
 * it signs for localhost / 127.0.0.1: a PEM chain, a PKCS#8 PEM key and a PKCS#12 keystore.
 */
public final class TestPki {
    public static final String PASSWORD = "changeit";

    /** One server identity: PEM chain (leaf then CA), PEM key, and the same in a PKCS#12 file. */
    public record Identity(Path chainPem, Path keyPem, Path p12) {
        public SSLContext serverContext() {
            try (InputStream in = Files.newInputStream(p12)) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, PASSWORD.toCharArray());
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASSWORD.toCharArray());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), null, null);
                return ctx;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** An HttpsServer on 127.0.0.1:0 presenting this identity; the caller adds contexts and starts it. */
        public HttpsServer httpsServer() throws IOException {
            HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return s;
        }
    }

    private final Path dir;
    private final Path caStore;
    private final Path caPem;

    private TestPki(Path dir, Path caStore, Path caPem) {
        this.dir = dir;
        this.caStore = caStore;
        this.caPem = caPem;
    }

    /** A new CA in {@code dir}, named {@code cn}. */
    public static TestPki create(Path dir, String cn) {
        Path store = dir.resolve("ca.p12");
        Path pem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + cn,
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        return new TestPki(dir, store, pem);
    }

    public Path caPem() {
        return caPem;
    }

    public X509Certificate caCertificate() {
        try (InputStream in = Files.newInputStream(caPem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server identity for localhost and 127.0.0.1 with an RSA or EC ({@code "EC"}) key. */
    public Identity issue(String name, String keyAlg) {
        Path p12 = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path leaf = dir.resolve(name + ".leaf.pem");
        List<String> alg = keyAlg.equals("EC") ? List.of("-keyalg", "EC", "-groupname", "secp256r1")
                : List.of("-keyalg", "RSA", "-keysize", "2048");
        List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", "server"));
        gen.addAll(alg);
        gen.addAll(List.of("-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                p12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        keytool(gen.toArray(String[]::new));
        keytool("-certreq", "-alias", "server", "-keystore", p12.toString(), "-storepass", PASSWORD, "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD, "-infile",
                csr.toString(), "-outfile", leaf.toString(), "-rfc", "-validity", "2",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", p12.toString(),
                "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "server", "-file", leaf.toString(), "-keystore", p12.toString(),
                "-storepass", PASSWORD);
        try {
            Path chain = dir.resolve(name + ".chain.pem");
            Files.writeString(chain, Files.readString(leaf) + Files.readString(caPem));
            Path key = dir.resolve(name + ".key.pem");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            PrivateKey pk = (PrivateKey) ks.getKey("server", PASSWORD.toCharArray());
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pk.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            return new Identity(chain, key, p12);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP/1.1 client that trusts only this CA. */
    public HttpClient client() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCertificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                    .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
