package llmproxy.logging;

import llmproxy.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SecretMaskerTest {
    private static final String CONFIGURED = "cfgsecret-9f8e7d6c5b4a3210";
    private final SecretMasker masker = new SecretMasker(List.of(Secret.of(CONFIGURED), Secret.of("pw123")));

    @Test
    void configuredSecret_isMaskedAnywhere_evenInsideAWord() {
        assertEquals("a=cfgse****3210;xcfgse****3210x", masker.mask("a=" + CONFIGURED + ";x" + CONFIGURED + "x"));
    }

    @Test
    void configuredSecrets_areMatchedLongestFirst() {
        SecretMasker m = new SecretMasker(List.of(Secret.of("abcdefghijklmnop"), Secret.of("abcdefghijklmnopqrstuvwxyz")));
        assertEquals("key abcde****wxyz and abcde****mnop",
                m.mask("key abcdefghijklmnopqrstuvwxyz and abcdefghijklmnop"));
    }

    @Test
    void shortConfiguredSecret_becomesStars() {
        assertEquals("password is ****!", masker.mask("password is pw123!"));
    }

    @Test
    void tinyConfiguredSecret_isNotMaskedEverywhereButStillInKeyPatterns() {
        SecretMasker m = new SecretMasker(List.of(Secret.of("x")));
        assertEquals("llm-proxy listening; x-api-key: ****", m.mask("llm-proxy listening; x-api-key: x"));
    }

    static Stream<Arguments> patterns() {
        return Stream.of(
                arguments("using sk-proj-abcdefghijklmnop1234 now", "using sk-pr****1234 now"),
                arguments("Authorization: Bearer tok_abcdefghijklmnop", "Authorization: Bearer tok_a****mnop"),
                arguments("authorization: bearer sk-abcdefghijklmnopcdef", "authorization: bearer sk-ab****cdef"),
                arguments("upstream said bearer abcdefghijklmnopq", "upstream said bearer abcde****nopq"),
                arguments("x-api-key: abcdefghijklmnopq", "x-api-key: abcde****nopq"),
                arguments("    X-Api-Key:abcdefghijklmnopq", "    X-Api-Key:abcde****nopq"),
                arguments("api-key: abcdefghijklmnopq", "api-key: abcde****nopq"),
                arguments("{\"api_key\":\"abcdefghijklmnopq\"}", "{\"api_key\":\"abcde****nopq\"}"),
                arguments("{\"x-api-key\": \"abcdefghijklmnopq\", \"n\": 1}", "{\"x-api-key\": \"abcde****nopq\", \"n\": 1}"),
                arguments("{\"token\" : \"abcdefghijklmnopq\"}", "{\"token\" : \"abcde****nopq\"}"),
                arguments("{\"Authorization\":\"Bearer abcdefghijklmnopq\"}", "{\"Authorization\":\"Bearer abcde****nopq\"}"),
                arguments("GET /v1/models?api_key=abcdefghijklmnopq&x=1", "GET /v1/models?api_key=abcde****nopq&x=1"),
                arguments("url=http://h/v1?key=abcdefghijklmnopq", "url=http://h/v1?key=abcde****nopq"),
                arguments("openai_api_key=abcdefghijklmnopq", "openai_api_key=abcde****nopq"),
                arguments("token=abcdefghijklmnopq done", "token=abcde****nopq done"),
                arguments("api_key=shorty&x=1", "api_key=****&x=1"),
                arguments("x-api-key: abcdefghijkl", "x-api-key: ****"));
    }

    @ParameterizedTest
    @MethodSource("patterns")
    void pattern_masksOnlyTheValue(String in, String expected) {
        assertEquals(expected, masker.mask(in));
    }

    static Stream<String> harmless() {
        return Stream.of("monkey: banana", "max_tokens=100", "the keys are fine", "task-abcdefghijklmnop",
                "request r1: POST /v1/chat/completions -> 200 ok", "Secret <masked>", "key: <masked>",
                "backends[0].api_key (line 14): must be set", "proxy_api_key: not set; authentication is off",
                "");
    }

    @ParameterizedTest
    @MethodSource("harmless")
    void textWithoutSecrets_isUnchanged(String in) {
        assertEquals(in, masker.mask(in));
    }

    @Test
    void maskingTwice_changesNothingMore() {
        String once = masker.mask("Authorization: Bearer sk-abcdefghijklmnopcdef x-api-key: " + CONFIGURED);
        assertEquals("Authorization: Bearer sk-ab****cdef x-api-key: cfgse****3210", once);
        assertEquals(once, masker.mask(once));
    }

    @Test
    void disabled_returnsTheTextAsIs() {
        String in = "Authorization: Bearer sk-abcdefghijklmnopcdef";
        assertSame(in, SecretMasker.DISABLED.mask(in));
    }
}
