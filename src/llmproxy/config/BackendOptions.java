package llmproxy.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Binds a backend's optional keys: auth, headers, timeouts, proxy and protocol. */
final class BackendOptions {
    /** Headers the JDK HttpClient refuses to set, or that would break framing. */
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection", "proxy-authorization");

    private final Values values;
    private final Problems problems;
    private final Section s;

    BackendOptions(Values values, Section backend) {
        this.values = values;
        this.problems = values.problems();
        this.s = backend;
    }

    AuthStyle auth() {
        String text = s.string("auth", "auto");
        try {
            return AuthStyle.parse(text);
        } catch (IllegalArgumentException e) {
            problems.error(s.path("auth"), s.line("auth"), e.getMessage());
            return AuthStyle.AUTO;
        }
    }

    Map<String, String> headers() {
        Map<String, String> out = new LinkedHashMap<>();
        YamlNode.Mapping m = values.mapping(s.node("headers"), s.path("headers"), s.line("headers"));
        if (m == null) {
            return out;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (YamlNode.Entry e : m.entries().values()) {
            String name = e.key();
            String path = Section.child(s.path("headers"), name);
            String value = values.text(e.value(), path, e.line());
            String lower = name.toLowerCase(Locale.ROOT);
            if (!AuthStyle.TOKEN.matcher(name).matches()) {
                problems.error(path, e.line(), "is not a valid header name");
            } else if (FORBIDDEN_HEADERS.contains(lower)) {
                problems.error(path, e.line(), "cannot be set: the HTTP client manages the \"" + name + "\" header");
            } else if (seen.containsKey(lower)) {
                problems.error(path, e.line(), "repeats header \"" + seen.get(lower) + "\" (names are case-insensitive)");
            } else if (value == null) {
                problems.error(path, e.line(), "needs a value");
            } else if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                problems.error(path, e.line(), "must not contain line breaks");
            } else {
                seen.put(lower, name);
                out.put(name, value);
            }
        }
        return out;
    }

    TimeoutOverrides timeouts() {
        Section t = Section.of(values, s.node("timeouts"), s.path("timeouts"), s.line("timeouts"));
        TimeoutOverrides result = new TimeoutOverrides(seconds(t, "connect_seconds"),
                seconds(t, "response_header_seconds"), seconds(t, "stream_idle_seconds"),
                seconds(t, "first_token_seconds"));
        t.finish();
        return result;
    }

    private Integer seconds(Section t, String key) {
        return values.integer(t.node(key), t.path(key), t.line(key), 1);
    }

    EgressChoice proxy() {
        String text = s.string("proxy", "");
        if (text.isBlank()) {
            return EgressChoice.INHERIT;
        }
        try {
            return EgressChoice.parse(text);
        } catch (IllegalArgumentException e) {
            problems.error(s.path("proxy"), s.line("proxy"), e.getMessage() + " or \"none\"");
            return EgressChoice.INHERIT;
        }
    }

    BackendProtocol protocol() {
        String text = s.string("protocol", "auto");
        try {
            return BackendProtocol.parse(text);
        } catch (IllegalArgumentException e) {
            problems.error(s.path("protocol"), s.line("protocol"), e.getMessage());
            return BackendProtocol.AUTO;
        }
    }
}
