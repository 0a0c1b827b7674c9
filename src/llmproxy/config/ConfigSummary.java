package llmproxy.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A one-screen, human-readable summary of a loaded config, printed by {@code -check}. It says
 * whether keys are set but never prints one.
 */
public final class ConfigSummary {
    private ConfigSummary() {
        throw new AssertionError();
    }

    public static String format(Config c) {
        StringBuilder out = new StringBuilder();
        ServerSettings server = c.server();
        line(out, "listen", c.listen() + " (" + (server.host().isEmpty() ? "all interfaces" : server.host())
                + ", " + (server.port() == 0 ? "ephemeral port" : "port " + server.port()) + ")");
        line(out, "auth", c.proxyApiKey().isSet() ? "on (proxy_api_key set)" : "OFF (no proxy_api_key)");
        line(out, "backends", Integer.toString(c.backends().size()));
        int nameWidth = c.backends().stream().mapToInt(b -> b.name().length()).max().orElse(0);
        int urlWidth = c.backends().stream().mapToInt(b -> shown(b.url()).length()).max().orElse(0);
        for (Backend b : c.backends()) {
            out.append(String.format("  %-" + nameWidth + "s  %-" + urlWidth + "s  %-8s  %s\n", b.name(), shown(b.url()),
                    b.enabled() ? "enabled" : "DISABLED", b.apiKey().isSet() ? "key set" : "no key"));
            out.append("    auth ").append(b.effectiveAuth().label())
                    .append(b.auth() instanceof AuthStyle.Auto ? " (auto)" : "")
                    .append(b.headers().isEmpty() ? "" : "; headers " + String.join(", ", b.headers().keySet()))
                    .append(b.protocol() == BackendProtocol.AUTO ? "" : "; protocol " + b.protocol().name().toLowerCase(Locale.ROOT))
                    .append("; ").append(c.network().describeProxy(b)).append('\n');
        }
        line(out, "models", Integer.toString(c.models().size()));
        for (ModelAlias alias : c.models().values()) {
            out.append("  ").append(alias.name()).append(alias.enabled() ? "" : "  [alias disabled]").append('\n');
            List<Route> routes = alias.routes().stream().sorted(Comparator.comparingInt(Route::priority)).toList();
            for (Route r : routes) {
                Backend b = c.backend(r.backend());
                out.append("    p=").append(r.priority()).append("  ").append(r.backend()).append(": ").append(r.model())
                        .append(r.enabled() ? "" : "  [route disabled]")
                        .append(b == null || b.enabled() ? "" : "  [backend disabled]").append('\n');
            }
            List<String> chain = c.fallback().aliasFallback().get(alias.name());
            if (chain != null) {
                out.append("    L2 fallback -> ").append(String.join(" -> ", chain)).append('\n');
            }
        }
        Detection d = c.detection();
        line(out, "detection", "codes " + (d.errorCodes().isEmpty() ? "(none)" : String.join(", ", d.errorCodes()))
                + "; patterns " + (d.errorPatterns().isEmpty() ? "(none)" : String.join(", ", d.errorPatterns())));
        line(out, "fallback", "cooldown " + c.fallback().cooldownSeconds() + "s, max_retries "
                + (c.fallback().maxRetries() == 0 ? "0 (no cap)" : c.fallback().maxRetries()));
        Timeouts t = c.timeouts();
        line(out, "timeouts", "connect " + t.connectSeconds() + "s, response headers " + t.responseHeaderSeconds()
                + "s, stream idle " + t.streamIdleSeconds() + "s");
        Network n = c.network();
        line(out, "egress", switch (n.source()) {
            case "config" -> "upstream_proxy " + n.httpsProxy();
            case "environment" -> "from environment: https " + (n.httpsProxy() == null ? "direct" : n.httpsProxy())
                    + ", http " + (n.httpProxy() == null ? "direct" : n.httpProxy());
            default -> "direct";
        } + (n.noProxy().entries().isEmpty() ? "" : "; no_proxy " + String.join(", ", n.noProxy().entries())));
        line(out, "tls", (server.tls() == null ? "listener plain HTTP" : "listener HTTPS (" + server.tls().source() + ")")
                + "; CAs: JDK defaults" + (n.caFiles().isEmpty() ? "" : " + " + n.caCertificates().size()
                + " from " + String.join(", ", n.caFiles())));
        line(out, "server", "max body " + server.maxBodyMb() + " MB, max concurrent "
                + (server.maxConcurrent() == 0 ? "unlimited" : server.maxConcurrent()));
        LogSettings log = c.logging();
        line(out, "logging", log.level() + ", " + (log.generalFile().isEmpty() ? "stdout only" : log.generalFile())
                + (log.separateFiles() ? ", per-request files in " + log.requestDir() + " and " + log.errorDir() : "")
                + (log.maskSensitive() ? "" : ", secrets NOT masked"));
        line(out, "warnings", c.warnings().isEmpty() ? "none" : Integer.toString(c.warnings().size()));
        for (Problem w : c.warnings()) {
            out.append("  ").append(w).append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-10s %s\n", label, value));
    }

    /**
     * A backend URL as the summary shows it: query values other than {@code api-version} are starred, since a
     * URL may carry a credential (an Azure SAS {@code sig=}, a {@code key=}) that must not reach a terminal.
     */
    static String shown(java.net.URI url) {
        String q = url.getRawQuery();
        if (q == null || q.isEmpty()) {
            return url.toString();
        }
        StringBuilder sb = new StringBuilder();
        for (String param : q.split("&")) {
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            sb.append(sb.isEmpty() ? "" : "&").append(name);
            if (eq >= 0) {
                sb.append('=').append(name.equalsIgnoreCase("api-version") ? param.substring(eq + 1) : "****");
            }
        }
        String s = url.toString();
        return s.substring(0, s.indexOf('?') + 1) + sb;
    }
}
