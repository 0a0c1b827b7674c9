package llmproxy.config;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds the outbound network settings ({@code upstream_proxy}, {@code no_proxy}, {@code tls.ca_files}, with
 * the proxy environment variables as fallback) and the listener's {@code server.tls}. Certificate and key
 * files are read and checked here, so a bad one is a load error naming it.
 */
final class NetworkBinder {
    private final Values values;
    private final Problems problems;
    private final Map<String, String> env;

    NetworkBinder(Values values, Map<String, String> env) {
        this.values = values;
        this.problems = values.problems();
        this.env = env;
    }

    Network bind(Section top) {
        String configured = top.string("upstream_proxy", "").strip();
        NoProxy noProxy = noProxy(top);
        ProxyAddress https = null;
        ProxyAddress http = null;
        String source = "none";
        if (configured.equalsIgnoreCase("none")) {
            source = "none";
        } else if (!configured.isEmpty()) {
            try {
                https = http = ProxyAddress.parse(configured);
                source = "config";
            } catch (IllegalArgumentException e) {
                problems.error("upstream_proxy", top.line("upstream_proxy"), e.getMessage() + " or \"none\"");
            }
        } else {
            https = fromEnv("https_proxy");
            http = fromEnv("http_proxy");
            source = https != null || http != null ? "environment" : "none";
            if (noProxy == null && !source.equals("none")) {
                String list = envValue("no_proxy");
                // A proxy never serves this machine's loopback; environments rarely remember to say so.
                noProxy = NoProxy.parseList("localhost,127.0.0.0/8,::1" + (list == null ? "" : "," + list));
            }
        }
        Section tls = Section.of(values, top.node("tls"), "tls", top.line("tls"));
        List<String> caFiles = new ArrayList<>();
        List<X509Certificate> cas = new ArrayList<>();
        YamlNode.Sequence seq = values.sequence(tls.node("ca_files"), tls.path("ca_files"), tls.line("ca_files"));
        if (seq != null) {
            List<String> texts = values.texts(seq, tls.path("ca_files"));
            for (int i = 0; i < texts.size(); i++) {
                String file = texts.get(i);
                if (file == null) {
                    continue;
                }
                try {
                    cas.addAll(Pem.certificates(note(file)));
                    caFiles.add(file);
                } catch (IllegalArgumentException e) {
                    problems.error(Section.index(tls.path("ca_files"), i), seq.items().get(i).line(),
                            "CA file " + file + " " + e.getMessage());
                }
            }
        }
        tls.finish();
        return new Network(https, http, noProxy == null ? NoProxy.NONE : noProxy, source, caFiles, cas);
    }

    private NoProxy noProxy(Section top) {
        YamlNode node = top.node("no_proxy");
        if (node == null) {
            return null;
        }
        List<String> entries = new ArrayList<>();
        if (node instanceof YamlNode.Scalar) {
            String text = values.text(node, "no_proxy", top.line("no_proxy"));
            entries.addAll(text == null ? List.of() : NoProxy.parseList(text).entries());
        } else {
            YamlNode.Sequence seq = values.sequence(node, "no_proxy", top.line("no_proxy"));
            List<String> texts = seq == null ? List.of() : values.texts(seq, "no_proxy");
            for (int i = 0; i < texts.size(); i++) {
                String t = texts.get(i);
                String problem = t == null ? null : NoProxy.problem(t);
                if (problem != null) {
                    problems.error(Section.index("no_proxy", i), seq.items().get(i).line(), problem);
                } else if (t != null) {
                    entries.add(t);
                }
            }
        }
        return new NoProxy(entries);
    }

    /** Lower case first, as curl does; an unusable value is a warning (it is not this file's fault). */
    private ProxyAddress fromEnv(String lowerName) {
        String value = envValue(lowerName);
        if (value == null) {
            return null;
        }
        try {
            return ProxyAddress.parse(value);
        } catch (IllegalArgumentException e) {
            problems.warn("upstream_proxy", 0, "environment variable " + lowerName.toUpperCase(Locale.ROOT)
                    + " ignored: " + e.getMessage());
            return null;
        }
    }

    private String envValue(String lowerName) {
        String v = env.get(lowerName);
        if (v == null || v.isBlank()) {
            v = env.get(lowerName.toUpperCase(Locale.ROOT));
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    private Path note(String file) {
        Path p = Path.of(file);
        values.files().note(p);
        return p;
    }

    /** {@code server.tls}: PEM cert_file + key_file, or a PKCS#12 keystore + keystore_password; null when absent. */
    ListenerTls listenerTls(Section t) {
        String cert = t.string("cert_file", "");
        String key = t.string("key_file", "");
        String keystore = t.string("keystore", "");
        String password = t.string("keystore_password", "");
        t.finish();
        boolean pem = !cert.isEmpty() || !key.isEmpty();
        if (!pem && keystore.isEmpty()) {
            if (!password.isEmpty()) {
                problems.error(t.path("keystore"), t.line("keystore_password"), "is required with keystore_password");
            }
            return null;
        }
        if (pem && !keystore.isEmpty()) {
            problems.error(t.path("keystore"), t.line("keystore"), "use either cert_file + key_file or keystore, not both");
            return null;
        }
        if (!keystore.isEmpty()) {
            try {
                ListenerTls tls = Pem.keystore(note(keystore), password, keystore);
                Pem.requireMatch(tls.key(), tls.chain().get(0));
                return tls;
            } catch (IllegalArgumentException e) {
                problems.error(t.path("keystore"), t.line("keystore"), "keystore " + keystore + " " + e.getMessage());
                return null;
            }
        }
        if (cert.isEmpty() || key.isEmpty()) {
            String missing = cert.isEmpty() ? "cert_file" : "key_file";
            problems.error(t.path(missing), t.line(cert.isEmpty() ? "key_file" : "cert_file"),
                    "is required with " + (cert.isEmpty() ? "key_file" : "cert_file"));
            return null;
        }
        List<X509Certificate> chain;
        PrivateKey privateKey;
        try {
            chain = Pem.certificates(note(cert));
        } catch (IllegalArgumentException e) {
            problems.error(t.path("cert_file"), t.line("cert_file"), "certificate file " + cert + " " + e.getMessage());
            return null;
        }
        try {
            privateKey = Pem.privateKey(note(key));
        } catch (IllegalArgumentException e) {
            problems.error(t.path("key_file"), t.line("key_file"), "key file " + key + " " + e.getMessage());
            return null;
        }
        try {
            Pem.requireMatch(privateKey, chain.get(0));
        } catch (IllegalArgumentException e) {
            problems.error(t.path("key_file"), t.line("key_file"), "key file " + key + " does not fit certificate file "
                    + cert + ": " + e.getMessage());
            return null;
        }
        return new ListenerTls(cert + " + " + key, privateKey, chain);
    }
}
