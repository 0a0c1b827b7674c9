package llmproxy.logging;

import llmproxy.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SecretMaskerTest {
    private static final String CONFIGURED = "cfgsecret-9f8e7d6c5b4a3210";
    private static final String NL = System.lineSeparator();
    private final SecretMasker masker = new SecretMasker(List.of(Secret.of(CONFIGURED), Secret.of("pw123")));

    /** Text that must come out byte for byte as it went in. */
    private static Arguments same(String line) {
        return arguments(line, line);
    }

    /**
     * Both halves of the rule in one table, so a change that fixes one cannot silently break the other: words
     * such as bearer, token, key, secret, auth and password in names and prose stay; real keys in every
     * recognised form are masked, and only they.
     */
    static Stream<Arguments> corpus() {
        return Stream.of(
                // names and prose holding credential words: untouched
                same("[65e616bf1c4e8cb7] request: model=st-bearer client=127.0.0.1:50000 path=/v1/chat/completions"),
                same("[65e616bf1c4e8cb7] attempt 1/1: backend=a model=token-key-model via=st-bearer "
                        + "http://127.0.0.1:19555/v1/chat/completions"),
                same("request r1: POST /v1/tokenize -> 200 ok"),
                same("alias: my token budget"),
                same("    x-key-id: 42"),
                same("    x-key-id: abcdefghijklmnopqrstu123"),
                same("    x-token-count: 1234567890"),
                same("    X-Auth-User: alice-0123456789"),
                same("  alias: secret-sauce-v2"),
                same("model=password-reset-model backend=auth-service via=key-vault-alias"),
                same("Bearer tokens are fine in prose; upstream said bearer abcdefghijklmnopq"),
                same("[rid] authentication failed: client=10.0.0.1 path=/v1/keys/abcdefghijklmnop1234"),
                same("auth: failed for client=1.2.3.4"),
                same("token: expired"),
                same("Authorization: Bearer"),
                same("max_tokens=100 input_tokens=12345678901"),
                same("monkey: banana1234567890"),
                same("using sk-gpt-4o-mini-2024-07-18 and task-abcdefghijklmnop1234 and my-sk-abcdefghijklmnop1234"),
                same("key: <masked>"),
                same("[rid] request: model=my-token:2024-06-01 client=127.0.0.1 path=/v1/chat/completions"),
                same("url=http://h/v1/models/x-auth:latest123 via=bearer-token:v2.0.1"),
                same("backends[0].api_key (line 14): must be set"),
                same("proxy_api_key: not set; authentication is off"),
                same("url=https://a.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-01-01T00%3A00Z&sp=r"),
                same("request r1: POST /v1/chat/completions -> 200 ok" + NL + "  headers:" + NL
                        + "    Content-Type: application/json" + NL + "    x-key-id: 42" + NL
                        + "  attempt 1: backend=bearer model=token-key-model url=http://h/v1/tokenize status=200"),
                same(""),
                // real keys in every recognised form: masked as first 5 + **** + last 4
                arguments("using sk-proj-AbCdEfGhIjKlMnOp1234 now", "using sk-pr****1234 now"),
                arguments("rejected key sk-ant-api03-abcdefghijklmnopqrstuvwxyz.",
                        "rejected key sk-an****wxyz."),
                arguments("Authorization: Bearer tok_abcdefghijklmnop", "Authorization: Bearer tok_a****mnop"),
                arguments("authorization: bearer sk-abcdefghijklmnopcdef", "authorization: bearer sk-ab****cdef"),
                arguments("Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==", "Proxy-Authorization: Basic dXNlc****ZA=="),
                arguments("Authorization: Basic dXNl/cjpwYXNzd29yZDEyMzQ1Njc4OQ== next=1",
                        "Authorization: Basic dXNl/****OQ== next=1"),
                arguments("authorization: Bearer abcd/efgh+ijklmnop", "authorization: Bearer abcd/****mnop"),
                arguments("[rid] request: token: abcdefgh12345678", "[rid] request: token: abcde****5678"),
                arguments("{\"Authorization\":\"Bearer abcdefghijklmnopq\"}", "{\"Authorization\":\"Bearer abcde****nopq\"}"),
                arguments("x-api-key: abcdefgh12345678", "x-api-key: abcde****5678"),
                arguments("    X-Api-Key:abcdefghijklmnopq", "    X-Api-Key:abcde****nopq"),
                arguments("x-goog-api-key: AIzaSyA-0123456789abcdef", "x-goog-api-key: AIzaS****cdef"),
                arguments("{\"api_key\":\"abcdefghijklmnopq\"}", "{\"api_key\":\"abcde****nopq\"}"),
                arguments("{\"model\":\"gpt\", \"apiKey\": \"abcdefghijklmnopq\", \"n\": 1}",
                        "{\"model\":\"gpt\", \"apiKey\": \"abcde****nopq\", \"n\": 1}"),
                arguments("{\"token\" : \"abcdefghijklmnopq\"}", "{\"token\" : \"abcde****nopq\"}"),
                arguments("GET /v1/models?api_key=abcdefghijklmnopq&x=1", "GET /v1/models?api_key=abcde****nopq&x=1"),
                arguments("url=http://h/v1?key=abcdefghijklmnopq", "url=http://h/v1?key=abcde****nopq"),
                arguments("url=https://a.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbCdEf1234567890%2BxYz%3D&sp=r",
                        "url=https://a.blob.core.windows.net/c/b?sv=2022-11-02&sig=AbCdE****z%3D&sp=r"),
                arguments("?access_token=abcdefghijklmnopq&X-Amz-Signature=0123456789abcdef0123&password=hunter2",
                        "?access_token=abcde****nopq&X-Amz-Signature=01234****0123&password=****"),
                arguments("https://user:supersecretpass123@host.test/v1", "https://user:super****s123@host.test/v1"),
                arguments("openai_api_key=abcdefghijklmnopq", "openai_api_key=abcde****nopq"),
                arguments("token=abcdefghijklmnopq done", "token=abcde****nopq done"),
                arguments("client_secret=abc/def", "client_secret=****/def"),
                arguments("[rid] request: token=abcdefghijklmnopq", "[rid] request: token=abcde****nopq"),
                arguments("api_key=shorty&x=1", "api_key=****&x=1"),
                arguments("model=st-bearer key=abcdefghijklmnopq via=token-key-model",
                        "model=st-bearer key=abcde****nopq via=token-key-model"),
                arguments("a=" + CONFIGURED + ";x" + CONFIGURED + "x", "a=cfgse****3210;xcfgse****3210x"),
                arguments("password is pw123!", "password is ****!"));
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void corpus_masksSecretsAndOnlySecrets(String in, String expected) {
        assertEquals(expected, masker.mask(in));
    }

    @Test
    void configuredSecrets_areMatchedLongestFirst() {
        SecretMasker m = new SecretMasker(List.of(Secret.of("abcdefghijklmnop"), Secret.of("abcdefghijklmnopqrstuvwxyz")));
        assertEquals("key abcde****wxyz and abcde****mnop",
                m.mask("key abcdefghijklmnopqrstuvwxyz and abcdefghijklmnop"));
    }

    @Test
    void tinyConfiguredSecret_isNotMaskedEverywhereButStillAsACredentialValue() {
        SecretMasker m = new SecretMasker(List.of(Secret.of("x")));
        assertEquals("llm-proxy listening; x-api-key: ****", m.mask("llm-proxy listening; x-api-key: x"));
    }

    @Test
    void maskHeader_masksCredentialHeadersByName_keepingTheScheme() {
        assertEquals("Bearer sk-ab****cdef", masker.maskHeader("Authorization", "Bearer sk-abcdefghijklmnopcdef"));
        assertEquals("abcde****nopq", masker.maskHeader("X-Goog-Api-Key", "abcdefghijklmnopq"));
        assertEquals("sessi****dark", masker.maskHeader("Cookie", "session=abcdef123; theme=dark"));
        assertEquals("****", masker.maskHeader("x-auth-token", "short"));
        assertEquals("42", masker.maskHeader("x-key-id", "42"));
        assertEquals("application/json", masker.maskHeader("Content-Type", "application/json"));
        assertEquals("Bearer x", SecretMasker.DISABLED.maskHeader("Authorization", "Bearer x"));
    }

    @Test
    void credentialNames_areJudgedByTheirLastWord() {
        for (String name : List.of("key", "x-api-key", "api_key", "apiKey", "access_token", "accessToken",
                "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "sig", "X-Amz-Signature",
                "client_secret", "password", "x-auth-token", "ocp-apim-subscription-key", "X-Goog-Api-Key")) {
            assertTrue(SecretMasker.isCredentialName(name), name);
        }
        for (String name : List.of("x-key-id", "max_tokens", "token-key-model", "st-bearer", "tokenize",
                "monkey", "x-token-count", "x-auth-user", "model", "anthropic-version", "")) {
            assertFalse(SecretMasker.isCredentialName(name), name);
        }
    }

    @Test
    void maskingTwice_changesNothingMore() {
        String once = masker.mask("Authorization: Bearer sk-abcdefghijklmnopcdef x-api-key: " + CONFIGURED
                + " ?sig=AbCdEf1234567890 {\"token\":\"abcdefghijklmnopq\"}");
        assertEquals("Authorization: Bearer sk-ab****cdef x-api-key: cfgse****3210 ?sig=AbCdE****7890"
                + " {\"token\":\"abcde****nopq\"}", once);
        assertEquals(once, masker.mask(once));
    }

    @Test
    void disabled_returnsTheTextAsIs() {
        String in = "Authorization: Bearer sk-abcdefghijklmnopcdef";
        assertSame(in, SecretMasker.DISABLED.mask(in));
    }
}
