package llmproxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the parsed YAML tree into a {@link Config}, applying defaults and recording every problem
 * in {@link Problems} instead of stopping at the first. The result is only usable when no error
 * was recorded.
 */
final class ConfigBinder {
    static final String DEFAULT_LISTEN = ":8080";
    private static final Set<String> LEVELS = Set.of("debug", "info", "warn", "error");
    /** scheme://...@ before the first '/', '?' or '#': userinfo in the authority. */
    private static final Pattern USERINFO = Pattern.compile("\\s*[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@");
    private static final Pattern STATUS = Pattern.compile("[1-5][0-9][0-9]|[1-5][xX][xX]");
    /** Marks of the stand-in keys in config.example.yaml; a key still holding one is refused by every provider. */
    private static final List<String> PLACEHOLDERS = List.of("placeholder", "change-me");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    private final Values values;
    private final Problems problems;
    private final Map<String, String> env;

    /** {@code env} supplies HTTPS_PROXY, HTTP_PROXY and NO_PROXY when the config sets no upstream_proxy. */
    ConfigBinder(Values values, Map<String, String> env) {
        this.values = values;
        this.problems = values.problems();
        this.env = env;
    }

    Config bind(YamlNode root) {
        if (!(root instanceof YamlNode.Mapping)) {
            problems.error("(root)", root.line(), "must be a mapping of sections (listen, backends, models, ...), got "
                    + root.kind());
        }
        Section top = Section.of(values, root instanceof YamlNode.Mapping ? root : null, "", 1);
        String listen = top.string("listen", DEFAULT_LISTEN);
        ListenAddress address = ListenAddress.parse(listen).orElse(null);
        if (address == null) {
            problems.error("listen", top.line("listen"), "must be [host]:port with a port from 0 to 65535"
                    + " (e.g. \":8080\" or \"127.0.0.1:8080\"), got \"" + listen + "\"");
        }
        int errorsBefore = problems.errors().size();
        Secret proxyApiKey = top.secret("proxy_api_key");
        // A key that is an error (set but empty, control characters) is reported as that, not also as "not set".
        boolean proxyKeyFailed = problems.errors().size() > errorsBefore;
        Secret adminApiKey = top.secret("admin_api_key");
        List<ClientKey> clientKeys = new ClientKeysBinder(values).bind(top.node("client_keys"),
                top.line("client_keys"), proxyApiKey, adminApiKey, top.line("admin_api_key"));
        if (clientKeys.isEmpty() && !proxyKeyFailed) {
            problems.warn("proxy_api_key", lineIfPresent(top, "proxy_api_key"),
                    "not set; authentication is off, so anyone who can reach the proxy can use it");
        }
        warnIfPlaceholder(top, "proxy_api_key", proxyApiKey);
        Set<String> backendNames = new LinkedHashSet<>();
        List<Backend> backends = backends(top.node("backends"), top.line("backends"), backendNames);
        Set<String> enabled = new LinkedHashSet<>();
        backends.stream().filter(Backend::enabled).forEach(b -> enabled.add(b.name()));
        ModelsBinder modelsBinder = new ModelsBinder(values, backendNames, enabled);
        Map<String, ModelAlias> models = modelsBinder.models(top.node("models"), lineIfPresent(top, "models"));

        Section f = section(top, "fallback");
        Fallback fallback = new Fallback(f.integer("cooldown_seconds", Fallback.DEFAULT_COOLDOWN_SECONDS, 0),
                f.integer("max_retries", 0, 0),
                modelsBinder.aliasFallback(f.node("alias_fallback"), f.path("alias_fallback"), f.line("alias_fallback"), models),
                f.integer("retry_same", 0, 0), f.integer("retry_backoff_ms", Fallback.DEFAULT_RETRY_BACKOFF_MS, 1),
                f.integer("max_retry_wait_seconds", Fallback.DEFAULT_MAX_RETRY_WAIT_SECONDS, 0),
                f.bool("resume_streams", false));
        f.finish();
        Detection detection = detection(section(top, "detection"));
        LogSettings logging = logging(section(top, "logging"));
        Timeouts timeouts = timeouts(section(top, "timeouts"));
        ServerSettings server = server(section(top, "server"), address);
        Network network = new NetworkBinder(values, env).bind(top);
        Section d = section(top, "defaults");
        Defaults defaults = new Defaults(d.integer("max_tokens", Defaults.MAX_TOKENS, 1));
        d.finish();
        top.finish();
        return new Config(listen, proxyApiKey, backends, models, fallback, detection, logging, timeouts, server,
                problems.warnings(), clientKeys, adminApiKey, network, values.files().files(), defaults);
    }

    private Section section(Section top, String key) {
        return Section.of(values, top.node(key), top.path(key), top.line(key));
    }

    private static int lineIfPresent(Section s, String key) {
        return s.has(key) ? s.line(key) : 0;
    }

    /** Names the environment variable the value comes from, when there is one, since that is what to set. */
    private void warnIfPlaceholder(Section s, String key, Secret secret) {
        String value = secret.value().toLowerCase(Locale.ROOT);
        if (PLACEHOLDERS.stream().noneMatch(value::contains)) {
            return;
        }
        Matcher variable = s.node(key) instanceof YamlNode.Scalar raw ? VARIABLE.matcher(raw.value()) : null;
        problems.warn(s.path(key), s.line(key), "still holds a placeholder from config.example.yaml; "
                + (variable != null && variable.find() ? "set " + variable.group(1) + " to" : "replace it with")
                + " the real key");
    }

    private List<Backend> backends(YamlNode node, int line, Set<String> names) {
        List<Backend> result = new ArrayList<>();
        YamlNode.Sequence seq = values.sequence(node, "backends", line);
        if (seq == null) {
            return result;
        }
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String path = Section.index("backends", i);
            if (item instanceof YamlNode.Sequence || item instanceof YamlNode.Scalar s && !s.isNull()) {
                problems.error(path, item.line(), "must be a mapping with name and url, got " + item.kind());
                continue;
            }
            Section s = Section.of(values, item, path, item.line());
            String name = s.string("name", "");
            String url = s.string("url", "");
            Secret apiKey = s.secret("api_key");
            warnIfPlaceholder(s, "api_key", apiKey);
            boolean enabled = s.bool("enabled", true);
            BackendOptions options = new BackendOptions(values, s);
            AuthStyle auth = options.auth();
            Map<String, String> headers = options.headers();
            TimeoutOverrides timeouts = options.timeouts();
            EgressChoice proxy = options.proxy();
            BackendProtocol protocol = options.protocol();
            s.finish();
            boolean valid = true;
            if (name.isBlank()) {
                problems.error(s.path("name"), s.line("name"), "is required");
                valid = false;
            } else if (firstLine.containsKey(name)) {
                problems.error(s.path("name"), s.line("name"),
                        "duplicate backend name \"" + name + "\" (first on line " + firstLine.get(name) + ")");
                valid = false;
            } else {
                firstLine.put(name, s.line("name"));
                names.add(name);
            }
            URI uri = httpUrl(url);
            if (url.isBlank()) {
                problems.error(s.path("url"), s.line("url"), "is required");
            } else if (USERINFO.matcher(url).lookingAt()) {
                // The URL is not echoed: the part before '@' is a password.
                problems.error(s.path("url"), s.line("url"), "must not contain user:password@; credentials in the"
                        + " URL are not sent; use api_key or headers");
                uri = null;
            } else if (uri == null) {
                problems.error(s.path("url"), s.line("url"), "must be an absolute http(s) URL, got \"" + url + "\"");
            }
            if (valid && uri != null) {
                result.add(new Backend(name, uri, apiKey, enabled, auth, headers, timeouts, proxy, protocol));
            }
        }
        return result;
    }

    /** An absolute http(s) URL with a host, minus one trailing '/'; null otherwise. */
    static URI httpUrl(String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            String scheme = uri.getScheme();
            boolean http = "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
            return http && !uri.isOpaque() && uri.getHost() != null ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private Detection detection(Section d) {
        List<String> codes = Detection.DEFAULT_ERROR_CODES;
        YamlNode codesNode = d.node("error_codes");
        if (codesNode != null) {
            codes = new ArrayList<>();
            YamlNode.Sequence seq = values.sequence(codesNode, d.path("error_codes"), d.line("error_codes"));
            List<String> texts = seq == null ? List.of() : values.texts(seq, d.path("error_codes"));
            for (int i = 0; i < texts.size(); i++) {
                String code = texts.get(i);
                if (code != null && !STATUS.matcher(code.strip()).matches()) {
                    problems.error(Section.index(d.path("error_codes"), i), seq.items().get(i).line(),
                            "must be a status code (100-599) or a class such as \"5xx\", got \"" + code + "\"");
                } else if (code != null) {
                    codes.add(code.strip());
                }
            }
        }
        List<String> patterns = texts(d, "error_patterns");
        List<String> requestPatterns = texts(d, "request_patterns");
        d.finish();
        return new Detection(codes, patterns, requestPatterns);
    }

    private List<String> texts(Section d, String key) {
        List<String> texts = new ArrayList<>();
        YamlNode.Sequence seq = values.sequence(d.node(key), d.path(key), d.line(key));
        if (seq != null) {
            values.texts(seq, d.path(key)).stream().filter(t -> t != null).forEach(texts::add);
        }
        return texts;
    }

    private LogSettings logging(Section l) {
        String level = l.string("level", "info");
        if (!LEVELS.contains(level.toLowerCase(Locale.ROOT))) {
            problems.error(l.path("level"), l.line("level"), "must be one of debug, info, warn, error, got \"" + level + "\"");
        }
        LogSettings d = LogSettings.defaults();
        LogSettings s = new LogSettings(level.toLowerCase(Locale.ROOT), l.string("general_file", d.generalFile()),
                l.bool("separate_files", d.separateFiles()), l.string("request_dir", d.requestDir()),
                l.string("error_dir", d.errorDir()), l.bool("mask_sensitive", d.maskSensitive()),
                l.bool("enable_metrics", d.enableMetrics()), l.integer("max_file_size_mb", d.maxFileSizeMb(), 1),
                l.integer("max_files", d.maxFiles(), 1), l.integer("max_body_log_bytes", d.maxBodyLogBytes(), 0),
                l.integer("max_request_files", d.maxRequestFiles(), 1));
        if (s.separateFiles()) {
            requireDir(l, "request_dir", s.requestDir());
            requireDir(l, "error_dir", s.errorDir());
        }
        l.finish();
        return s;
    }

    private void requireDir(Section l, String key, String value) {
        if (value.isBlank()) {
            problems.error(l.path(key), l.line(l.has(key) ? key : "separate_files"), "is required when separate_files is true");
        }
    }

    private Timeouts timeouts(Section t) {
        Timeouts d = Timeouts.defaults();
        Timeouts s = new Timeouts(t.integer("connect_seconds", d.connectSeconds(), 1),
                t.integer("response_header_seconds", d.responseHeaderSeconds(), 1),
                t.integer("stream_idle_seconds", d.streamIdleSeconds(), 1),
                t.integer("first_token_seconds", d.firstTokenSeconds(), 0),
                t.integer("request_seconds", d.requestSeconds(), 0));
        t.finish();
        return s;
    }

    private ServerSettings server(Section s, ListenAddress address) {
        ServerSettings d = ServerSettings.defaults();
        ServerSettings result = new ServerSettings(address == null ? d.host() : address.host(),
                address == null ? d.port() : address.port(), s.integer("max_body_mb", d.maxBodyMb(), 1),
                s.integer("max_concurrent", d.maxConcurrent(), 0),
                s.integer("read_timeout_seconds", d.readTimeoutSeconds(), 1),
                s.integer("idle_timeout_seconds", d.idleTimeoutSeconds(), 1),
                s.integer("shutdown_grace_seconds", d.shutdownGraceSeconds(), 0),
                s.integer("max_connections", d.maxConnections(), 1),
                s.integer("write_timeout_seconds", d.writeTimeoutSeconds(), 1),
                new NetworkBinder(values, env).listenerTls(section(s, "tls")));
        s.finish();
        return result;
    }
}
