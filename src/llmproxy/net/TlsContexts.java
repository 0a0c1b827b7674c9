package llmproxy.net;

import llmproxy.config.ListenerTls;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** SSLContexts from already validated config: the client's (default CAs plus extra ones) and the listener's. */
public final class TlsContexts {
    private TlsContexts() {
        throw new AssertionError();
    }

    /** The JDK default context when there are no extra CAs; else one trusting the defaults and {@code extraCas}. */
    public static SSLContext client(List<X509Certificate> extraCas) {
        try {
            if (extraCas.isEmpty()) {
                return SSLContext.getDefault();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustManager(extraCas)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The JDK's default trust (cacerts or javax.net.ssl.trustStore) plus {@code extraCas}. */
    static X509ExtendedTrustManager trustManager(List<X509Certificate> extraCas) throws GeneralSecurityException {
        List<X509ExtendedTrustManager> delegates = new ArrayList<>();
        delegates.add(x509(null));
        KeyStore extra = emptyStore();
        for (int i = 0; i < extraCas.size(); i++) {
            extra.setCertificateEntry("ca-" + i, extraCas.get(i));
        }
        delegates.add(x509(extra));
        return new CompositeTrustManager(delegates);
    }

    private static X509ExtendedTrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK offers no X509 trust manager");
    }

    /** A context presenting the listener's key and chain. */
    public static SSLContext server(ListenerTls tls) {
        try {
            KeyStore ks = emptyStore();
            char[] password = "in-memory".toCharArray();
            ks.setKeyEntry("listener", tls.key(), password, tls.chain().toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the TLS listener: " + e.getMessage(), e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return ks;
    }
}
