package llmproxy.proxy;

import com.sun.net.httpserver.Headers;
import llmproxy.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderFilterTest {

    private static HttpHeaders forwarded(Headers client) {
        return forwarded(client, Secret.NONE);
    }

    private static HttpHeaders forwarded(Headers client, Secret proxyKey) {
        List<UpstreamRequest.Header> headers = new java.util.ArrayList<>();
        HeaderFilter.requestHeaders(client, proxyKey == Secret.NONE ? List.of() : List.of(proxyKey), headers);
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (UpstreamRequest.Header h : headers) {
            map.computeIfAbsent(h.name(), k -> new java.util.ArrayList<>()).add(h.value());
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @Test
    void requestHeaders_carryingAnyClientKey_neverLeaveTheProxy() {
        Headers client = new Headers();
        client.add("X-Goog-Api-Key", "support-bot-key-0001");
        client.add("Accept", "application/json");
        List<UpstreamRequest.Header> out = new java.util.ArrayList<>();
        HeaderFilter.requestHeaders(client, List.of(Secret.of("proxy-key-123456"), Secret.of("support-bot-key-0001")),
                out);
        assertEquals(List.of(new UpstreamRequest.Header("Accept", "application/json")), out);
        assertEquals("a=1", Query.without("a=1&key=support-bot-key-0001",
                List.of(Secret.of("proxy-key-123456"), Secret.of("support-bot-key-0001"))));
    }

    @Test
    void queryParameters_whoseValueOrWholeTextIsAClientKey_neverLeaveTheProxy() {
        List<Secret> keys = List.of(Secret.of("proxy-key-123456"));
        assertEquals("a=1&b=2", Query.without("a=1&proxy-key-123456&b=2", keys));
        assertEquals("a=1", Query.without("api_key=proxy%2Dkey%2D123456&a=1", keys));
        assertEquals("a=1&k=xproxy-key-123456", Query.without("a=1&k=xproxy-key-123456", keys));
    }

    @Test
    void requestHeaders_carryingTheProxyKey_neverLeaveTheProxy() {
        Headers client = new Headers();
        client.add("X-Goog-Api-Key", "proxy-key-123456");
        client.add("Anthropic-Api-Key", "proxy-key-123456");
        client.add("Cookie", "session=abc; key=proxy-key-123456");
        client.add("Accept", "application/json");
        HttpHeaders out = forwarded(client, Secret.of("proxy-key-123456"));
        assertEquals(Map.of("Accept", List.of("application/json")), out.map());
    }

    private static HttpHeaders upstream(String... nameValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.computeIfAbsent(nameValues[i], k -> new java.util.ArrayList<>()).add(nameValues[i + 1]);
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Authorization", "authorization", "x-api-key", "X-Api-Key", "api-key", "Host",
            "Content-Length", "Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
            "Proxy-Authorization", "Proxy-Connection", "X-Request-ID", "x-request-id", "Expect", "HTTP2-Settings"})
    void requestHeader_isDropped(String name) {
        Headers client = new Headers();
        client.add(name, "v");
        client.add("Accept", "application/json");
        HttpHeaders out = forwarded(client);
        assertTrue(out.firstValue(name).isEmpty(), name + " was forwarded: " + out.map());
        assertEquals(List.of("application/json"), out.allValues("accept"));
    }

    @Test
    void requestHeaders_others_areKept_withAllValues() {
        Headers client = new Headers();
        client.add("Accept", "text/event-stream");
        client.add("anthropic-version", "2023-06-01");
        client.add("anthropic-beta", "a");
        client.add("anthropic-beta", "b");
        client.add("OpenAI-Organization", "org-1");
        client.add("User-Agent", "curl/8.0");
        client.add("Content-Type", "application/json");
        client.add("Authorization", "Bearer client-secret");
        HttpHeaders out = forwarded(client);
        assertEquals(List.of("text/event-stream"), out.allValues("Accept"));
        assertEquals(List.of("2023-06-01"), out.allValues("anthropic-version"));
        assertEquals(List.of("a", "b"), out.allValues("anthropic-beta"));
        assertEquals(List.of("org-1"), out.allValues("openai-organization"));
        assertEquals(List.of("curl/8.0"), out.allValues("user-agent"));
        assertEquals(List.of("application/json"), out.allValues("content-type"));
        assertFalse(out.map().containsKey("authorization"));
        assertFalse(out.toString().contains("client-secret"));
    }

    @Test
    void requestHeaders_namedInConnection_areDropped() {
        Headers client = new Headers();
        client.add("Connection", "close, X-Foo");
        client.add("Connection", " x-bar ");
        client.add("X-Foo", "1");
        client.add("X-Bar", "2");
        client.add("X-Baz", "3");
        HttpHeaders out = forwarded(client);
        assertTrue(out.firstValue("x-foo").isEmpty());
        assertTrue(out.firstValue("x-bar").isEmpty());
        assertTrue(out.firstValue("connection").isEmpty());
        assertEquals(List.of("3"), out.allValues("x-baz"));
    }

    @Test
    void requestHeaders_invalidValue_isSkipped_notThrown() {
        Headers client = new Headers();
        client.add("X-Ok", "1");
        client.add("X(Bad)", "1"); // not an RFC 9110 token: HttpClient refuses it
        HttpHeaders out = forwarded(client);
        assertEquals(List.of("1"), out.allValues("x-ok"));
        assertTrue(out.firstValue("x(bad)").isEmpty());
    }

    @Test
    void responseHeaders_dropHopByHop_lengthDateAndPseudo_keepTheRest() {
        HttpHeaders from = upstream(":status", "200", "Connection", "keep-alive, X-Hop", "Keep-Alive", "timeout=5",
                "Transfer-Encoding", "chunked", "Trailer", "x", "Upgrade", "h2c", "Proxy-Authenticate", "Basic",
                "Content-Length", "12", "Date", "Wed, 01 Jan 2025 00:00:00 GMT", "X-Hop", "h",
                "Content-Type", "text/event-stream", "x-ratelimit-remaining-requests", "99",
                "x-ratelimit-reset-tokens", "1s", "openai-processing-ms", "42", "set-cookie", "a=1", "set-cookie", "b=2");
        Headers to = new Headers();
        HeaderFilter.copyResponseHeaders(from, to, llmproxy.logging.Redactor.NONE);
        assertEquals(Map.of("Content-type", List.of("text/event-stream"),
                "X-ratelimit-remaining-requests", List.of("99"),
                "X-ratelimit-reset-tokens", List.of("1s"),
                "Openai-processing-ms", List.of("42"),
                "Set-cookie", List.of("a=1", "b=2")), Map.copyOf(to));
    }

    @Test
    void errorHeaders_keepOnlyTheSafeSet() {
        HttpHeaders from = upstream("Content-Type", "application/json", "Content-Encoding", "gzip", "Retry-After", "7",
                "x-request-id", "req_1", "request-id", "req_2", "x-ratelimit-limit-requests", "100",
                "anthropic-ratelimit-tokens-reset", "2025-01-01T00:00:00Z", "Set-Cookie", "session=secret",
                "Content-Length", "10", "Connection", "close", "X-Internal-Host", "10.0.0.7", "Server", "nginx",
                "Www-Authenticate", "Bearer", "openai-organization", "org-x");
        Headers to = new Headers();
        HeaderFilter.copyErrorHeaders(from, to, llmproxy.logging.Redactor.NONE);
        assertEquals(Map.of("Content-type", List.of("application/json"), "Content-encoding", List.of("gzip"),
                "Retry-after", List.of("7"), "X-upstream-request-id", List.of("req_1"), "Request-id", List.of("req_2"),
                "X-ratelimit-limit-requests", List.of("100"),
                "Anthropic-ratelimit-tokens-reset", List.of("2025-01-01T00:00:00Z")), Map.copyOf(to));
    }
}
