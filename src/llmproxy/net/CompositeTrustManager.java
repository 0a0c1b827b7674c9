package llmproxy.net;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * Trusts a chain when any delegate does: the JDK's default trust plus the configured corporate CAs, so
 * adding a CA never takes a public one away. Each delegate does its own hostname check.
 */
final class CompositeTrustManager extends X509ExtendedTrustManager {
    private interface Check {
        void run(X509ExtendedTrustManager tm) throws CertificateException;
    }

    private final List<X509ExtendedTrustManager> delegates;

    CompositeTrustManager(List<X509ExtendedTrustManager> delegates) {
        this.delegates = List.copyOf(delegates);
    }

    private void anyTrusts(Check check) throws CertificateException {
        CertificateException first = null;
        for (X509ExtendedTrustManager tm : delegates) {
            try {
                check.run(tm);
                return;
            } catch (CertificateException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        throw first != null ? first : new CertificateException("no trust managers");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        anyTrusts(tm -> tm.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        anyTrusts(tm -> tm.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        anyTrusts(tm -> tm.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        anyTrusts(tm -> tm.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        anyTrusts(tm -> tm.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        anyTrusts(tm -> tm.checkClientTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegates.stream().flatMap(tm -> Arrays.stream(tm.getAcceptedIssuers())).toArray(X509Certificate[]::new);
    }
}
