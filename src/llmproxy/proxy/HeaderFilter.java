package llmproxy.proxy;

import com.sun.net.httpserver.Headers;
import llmproxy.config.Secret;
import llmproxy.logging.Redactor;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which headers cross the proxy, in each direction. Hop-by-hop headers describe one connection, not
 * the message; the client's credentials belong to the proxy; the HttpClient refuses to send a few
 * headers it manages itself.
 */
final class HeaderFilter {
    private static final Set<String> HOP_BY_HOP = caseInsensitive("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    /** Never forwarded upstream: hop-by-hop, the client's credentials, and what HttpClient sets itself. */
    private static final Set<String> REQUEST_DROP = union(HOP_BY_HOP, caseInsensitive("host", "content-length",
            "expect", "authorization", "x-api-key", "api-key", "http2-settings", "x-request-id"));

    /** Never relayed to the client: hop-by-hop, and what HttpServer sets itself. */
    private static final Set<String> RESPONSE_DROP = union(HOP_BY_HOP, caseInsensitive("content-length", "date"));

    /** What a failed attempt's answer keeps when it is relayed as the final error. */
    private static final Set<String> ERROR_KEEP = caseInsensitive("content-type", "content-encoding", "retry-after",
            "x-request-id", "request-id", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests",
            "x-ratelimit-reset-tokens", "anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining",
            "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-limit",
            "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset");

    private HeaderFilter() {
        throw new AssertionError();
    }

    /**
     * Adds the client's request headers that may reach a backend to {@code to}. A header carrying a client key
     * (a client that also sent it as a cookie or another provider's key header) never leaves the proxy.
     */
    static void requestHeaders(Headers from, List<Secret> clientKeys, List<UpstreamRequest.Header> to) {
        Set<String> named = connectionTokens(from.get("Connection"));
        for (Map.Entry<String, List<String>> e : from.entrySet()) {
            String name = e.getKey();
            if (REQUEST_DROP.contains(name) || (named != null && named.contains(name)) || !isToken(name)) {
                continue;
            }
            for (String value : e.getValue()) {
                if (!containsAny(value, clientKeys) && isValidValue(value)) {
                    to.add(new UpstreamRequest.Header(name, value));
                }
            }
        }
    }

    private static boolean containsAny(String value, List<Secret> keys) {
        for (Secret k : keys) {
            if (k.isSet() && value.contains(k.value())) {
                return true;
            }
        }
        return false;
    }

    /** An RFC 9110 token: what a header name must be (the HttpClient refuses anything else). */
    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} may be sent as a header value: visible ASCII, spaces and tabs, nothing else. */
    static boolean isValidValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Copies a success response's headers to the client; values echoing a configured secret are masked. */
    static void copyResponseHeaders(HttpHeaders from, Headers to, Redactor redactor) {
        Set<String> named = connectionTokens(from.allValues("connection"));
        for (Map.Entry<String, List<String>> e : from.map().entrySet()) {
            String name = e.getKey();
            if (name.startsWith(":") || RESPONSE_DROP.contains(name) || (named != null && named.contains(name))) {
                continue;
            }
            putKeepingOurRequestId(to, name, redacted(e.getValue(), redactor));
        }
    }

    /** Copies only the safe headers of a failed attempt that becomes the final answer, secrets masked. */
    static void copyErrorHeaders(HttpHeaders from, Headers to, Redactor redactor) {
        for (Map.Entry<String, List<String>> e : from.map().entrySet()) {
            if (ERROR_KEEP.contains(e.getKey())) {
                putKeepingOurRequestId(to, e.getKey(), redacted(e.getValue(), redactor));
            }
        }
    }

    private static List<String> redacted(List<String> values, Redactor redactor) {
        if (redactor.isEmpty()) {
            return values;
        }
        List<String> out = null;
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            String r = redactor.redact(v);
            if (r != v) {
                if (out == null) {
                    out = new java.util.ArrayList<>(values);
                }
                out.set(i, r);
            }
        }
        return out == null ? values : out;
    }

    /** The client gets the proxy's X-Request-ID; a provider's own id is kept as X-Upstream-Request-ID. */
    private static void putKeepingOurRequestId(Headers to, String name, List<String> values) {
        to.put(name.equalsIgnoreCase("x-request-id") ? "X-Upstream-Request-ID" : name, values);
    }

    private static Set<String> connectionTokens(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        Set<String> tokens = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String v : values) {
            for (String t : v.split(",")) {
                String token = t.trim();
                if (!token.isEmpty()) {
                    tokens.add(token.toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    private static Set<String> caseInsensitive(String... names) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(List.of(names));
        return s;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(a);
        s.addAll(b);
        return s;
    }
}
