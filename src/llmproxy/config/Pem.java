package llmproxy.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and keys for {@code tls.ca_files} and {@code server.tls}. Every failure is an
 * IllegalArgumentException whose message is fit for a config problem (it names what is wrong, not the
 * file: the caller adds that).
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private Pem() {
        throw new AssertionError();
    }

    /** Every certificate in a PEM (or DER) file; at least one. */
    static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file);
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("contains no certificate (expected PEM \"-----BEGIN CERTIFICATE-----\")");
            }
            return out;
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException("is not a valid PEM certificate file (" + e.getMessage() + ")");
        }
    }

    /** An unencrypted PKCS#8 RSA or EC key ({@code -----BEGIN PRIVATE KEY-----}). */
    static PrivateKey privateKey(Path file) {
        String text = new String(read(file), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY") || type.equals("ENCRYPTED PRIVATE KEY")) {
                throw new IllegalArgumentException("holds a \"" + type + "\"; convert it to an unencrypted PKCS#8 key with"
                        + " \"openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem\"");
            }
            if (type.equals("PRIVATE KEY")) {
                byte[] der;
                try {
                    der = Base64.getMimeDecoder().decode(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("has a malformed PRIVATE KEY block");
                }
                for (String algorithm : List.of("RSA", "EC")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException e) {
                        // Try the next algorithm.
                    }
                }
                throw new IllegalArgumentException("holds a PRIVATE KEY that is neither RSA nor EC");
            }
        }
        throw new IllegalArgumentException("contains no \"-----BEGIN PRIVATE KEY-----\" block (PKCS#8 PEM)");
    }

    /** The first key entry of a PKCS#12 keystore. */
    static ListenerTls keystore(Path file, String password, String source) {
        byte[] bytes = read(file);
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password.toCharArray());
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    Key key = ks.getKey(alias, password.toCharArray());
                    Certificate[] chain = ks.getCertificateChain(alias);
                    if (key instanceof PrivateKey pk && chain != null && chain.length > 0) {
                        List<X509Certificate> certs = new ArrayList<>();
                        for (Certificate c : chain) {
                            certs.add((X509Certificate) c);
                        }
                        return new ListenerTls(source, pk, certs);
                    }
                }
            }
            throw new IllegalArgumentException("holds no private key with a certificate chain");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be opened as PKCS#12 (wrong keystore_password or not a .p12 file: "
                    + e.getMessage() + ")");
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("cannot be read as PKCS#12: " + e.getMessage());
        }
    }

    /** Proves the key belongs to the chain's first certificate by signing and verifying a sample. */
    static void requireMatch(PrivateKey key, X509Certificate leaf) {
        PublicKey pub = leaf.getPublicKey();
        if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
            throw new IllegalArgumentException("the key is " + key.getAlgorithm() + " but the certificate's is "
                    + pub.getAlgorithm());
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] sample = "llm-proxy key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(sample);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(pub);
            v.update(sample);
            if (!v.verify(sig)) {
                throw new IllegalArgumentException("the key does not match the certificate (" + leaf.getSubjectX500Principal() + ")");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key does not match the certificate: " + e.getMessage());
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + FileRefs.reason(e) + ")");
        }
    }
}
