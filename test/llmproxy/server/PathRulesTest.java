package llmproxy.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/messages", "/v1/embeddings", "/v1/responses",
            "/v1/completions", "/v1/messages/count_tokens", "/chat/completions", "/messages", "/embeddings",
            "/completions", "/v1/chat/completions/"})
    void isProxied_forApiPaths(String path) {
        assertTrue(PathRules.isProxied(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"//v1/chat", "//v1/chat/completions", "/v1//chat/completions", "/v1/../admin",
            "/v1/%2e%2e/x", "/v1/%2E%2E/x", "/v1/chat%2fcompletions", "/v1/chat/./x", "/v1/./chat", "/v1/..",
            "/V1/chat", "/V1/chat/completions", "/Chat/completions", "/admin", "/", "", "/v1/", "/v1", "/v1x/chat",
            "/v1/chat\\completions", "/v1/chat completions", "/v1/caf\u00e9", "/v1/chat\u0000", "v1/chat/completions",
            "/health", "/unknown/chat"})
    void isProxied_false_forEverythingElse(String path) {
        assertFalse(PathRules.isProxied(path), path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/health", "/healthz"})
    void isHealth_exactPaths(String path) {
        assertTrue(PathRules.isHealth(path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/healthx", "/health/", "/Health", "/health?x", "//health", "/v1/health", "health", ""})
    void isHealth_false_forAnythingButTheExactPath(String path) {
        assertFalse(PathRules.isHealth(path));
    }

    @ParameterizedTest
    @CsvSource({"/v1/models, true", "/models, true", "/v1/models/, false", "/v1/models/x, false",
            "/V1/models, false"})
    void isModelList(String path, boolean expected) {
        assertEquals(expected, PathRules.isModelList(path));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "/v1/models/anthropic/claude, anthropic/claude",
            "/v1/models/gpt-4o, gpt-4o",
            "/models/gpt-4o, gpt-4o",
            "/v1/models/, -",
            "/v1/models, -",
            "/models/, -",
            "/v1/models/a//b, -",
            "/v1/models/../admin, -",
            "/v1/models/a%2Fb, -",
            "/v1/modelsx, -",
            "/v2/models/x, -"})
    void modelId(String path, String expected) {
        assertEquals(expected, PathRules.modelId(path));
    }
}
