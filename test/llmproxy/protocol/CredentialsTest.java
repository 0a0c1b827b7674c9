package llmproxy.protocol;

import llmproxy.config.AuthStyle;
import llmproxy.config.Backend;
import llmproxy.config.EgressChoice;
import llmproxy.config.BackendProtocol;
import llmproxy.config.Secret;
import llmproxy.config.TimeoutOverrides;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CredentialsTest {
    static final URI TARGET = URI.create("https://host.test/v1/chat/completions");

    static Backend backend(String url, String key, AuthStyle auth, Map<String, String> headers) {
        return new Backend("b", URI.create(url), Secret.of(key), true, auth, headers, TimeoutOverrides.NONE,
                EgressChoice.INHERIT, BackendProtocol.AUTO);
    }

    /** Headers set, and the URI, as one string per call, for compact assertions. */
    static Map<String, String> apply(Backend b, Credentials.ClientStyle client, URI uri, URI[] out) {
        Map<String, String> set = new LinkedHashMap<>();
        out[0] = Credentials.apply(b, client, set::put, uri);
        return set;
    }

    @Test
    void auto_followsTheClientStyle_onAnOrdinaryHost() {
        URI[] uri = new URI[1];
        Backend b = backend("https://api.openai.com/v1", "sk-1", AuthStyle.AUTO, Map.of());
        assertEquals(Map.of("Authorization", "Bearer sk-1"), apply(b, Credentials.ClientStyle.BEARER, TARGET, uri));
        assertEquals(Map.of("x-api-key", "sk-1"), apply(b, Credentials.ClientStyle.X_API_KEY, TARGET, uri));
        assertEquals(TARGET, uri[0]);
    }

    @Test
    void auto_usesXApiKeyForAnthropic_andApiKeyForAzure_whateverTheClientSent() {
        URI[] uri = new URI[1];
        assertEquals(Map.of("x-api-key", "k"), apply(backend("https://api.anthropic.com/v1", "k", AuthStyle.AUTO, Map.of()),
                Credentials.ClientStyle.BEARER, TARGET, uri));
        for (String host : new String[] {"res.openai.azure.com", "res.cognitiveservices.azure.com", "res.services.ai.azure.com"}) {
            assertEquals(Map.of("api-key", "k"), apply(backend("https://" + host + "/openai/v1", "k", AuthStyle.AUTO,
                    Map.of()), Credentials.ClientStyle.X_API_KEY, TARGET, uri), host);
        }
    }

    @Test
    void explicitStyles_setTheirHeader() {
        URI[] uri = new URI[1];
        String anthropic = "https://api.anthropic.com";
        assertEquals(Map.of("Authorization", "Bearer k"), apply(backend(anthropic, "k", AuthStyle.BEARER, Map.of()),
                Credentials.ClientStyle.X_API_KEY, TARGET, uri));
        assertEquals(Map.of("x-goog-api-key", "k"), apply(backend(anthropic, "k", new AuthStyle.Header("x-goog-api-key"),
                Map.of()), Credentials.ClientStyle.BEARER, TARGET, uri));
        assertEquals(Map.of("X-Custom-Key", "k"), apply(backend(anthropic, "k", new AuthStyle.Header("X-Custom-Key"),
                Map.of()), Credentials.ClientStyle.BEARER, TARGET, uri));
        assertEquals(Map.of(), apply(backend(anthropic, "k", AuthStyle.NONE, Map.of()), Credentials.ClientStyle.BEARER,
                TARGET, uri));
    }

    @Test
    void queryStyle_appendsTheUrlEncodedKey_keepingTheExistingQuery() {
        URI[] uri = new URI[1];
        Backend b = backend("https://h.test", "a b&c=d/é", new AuthStyle.Query("key"), Map.of());
        assertEquals(Map.of(), apply(b, Credentials.ClientStyle.BEARER,
                URI.create("https://h.test/v1/x?api-version=2024-10-21"), uri));
        assertEquals("https://h.test/v1/x?api-version=2024-10-21&key=a+b%26c%3Dd%2F%C3%A9", uri[0].toString());
        apply(b, Credentials.ClientStyle.BEARER, URI.create("https://h.test:8443/v1/x"), uri);
        assertEquals("https://h.test:8443/v1/x?key=a+b%26c%3Dd%2F%C3%A9", uri[0].toString());
    }

    @Test
    void noKey_sendsNoCredential_butStillTheConfiguredHeaders() {
        URI[] uri = new URI[1];
        Backend b = backend("http://localhost:11434/v1", "", AuthStyle.BEARER, Map.of("X-Title", "demo"));
        assertEquals(Map.of("X-Title", "demo"), apply(b, Credentials.ClientStyle.BEARER, TARGET, uri));
    }

    @Test
    void configuredHeaders_areSetAfterTheCredential_soTheyWin() {
        URI[] uri = new URI[1];
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("HTTP-Referer", "https://example.com");
        headers.put("Authorization", "Bearer from-headers");
        Map<String, String> set = new LinkedHashMap<>();
        Credentials.apply(backend("https://openrouter.ai/api/v1", "k", AuthStyle.BEARER, headers),
                Credentials.ClientStyle.BEARER, (n, v) -> set.merge(n, v, (old, neu) -> old + " | then " + neu), TARGET);
        assertEquals("Bearer k | then Bearer from-headers", set.get("Authorization"));
        assertEquals("https://example.com", set.get("HTTP-Referer"));
    }
}
