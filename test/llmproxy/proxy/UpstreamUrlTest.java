package llmproxy.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UpstreamUrlTest {

    @ParameterizedTest(name = "{0} + {1}?{2} -> {3}")
    @CsvSource(nullValues = "-", value = {
            "https://openrouter.ai/api/v1, /v1/chat/completions, -, https://openrouter.ai/api/v1/chat/completions",
            "https://openrouter.ai/api/v1/, /v1/chat/completions, -, https://openrouter.ai/api/v1/chat/completions",
            "https://openrouter.ai/api/v1, /chat/completions, -, https://openrouter.ai/api/v1/chat/completions",
            "https://generativelanguage.googleapis.com/v1beta/openai, /v1/chat/completions, -, "
                    + "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions",
            "http://vllm:8000, /v1/chat/completions, -, http://vllm:8000/v1/chat/completions",
            "http://vllm:8000/, /v1/chat/completions, -, http://vllm:8000/v1/chat/completions",
            "http://vllm:8000, /chat/completions, -, http://vllm:8000/v1/chat/completions",
            "http://vllm:8000/v1, /v1/embeddings, -, http://vllm:8000/v1/embeddings",
            "http://vllm:8000/v1/, /v1/embeddings, -, http://vllm:8000/v1/embeddings",
            "https://x.openai.azure.com/openai/deployments/gpt4o?api-version=2024-06-01, /v1/chat/completions, foo=1, "
                    + "https://x.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-06-01&foo=1",
            "https://x.openai.azure.com/openai/deployments/gpt4o?api-version=2024-06-01, /v1/chat/completions, -, "
                    + "https://x.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-06-01",
            "https://api.anthropic.com/v1, /v1/messages, -, https://api.anthropic.com/v1/messages",
            "https://api.anthropic.com, /v1/messages, -, https://api.anthropic.com/v1/messages",
            "https://api.anthropic.com/v1, /messages, -, https://api.anthropic.com/v1/messages",
            "http://127.0.0.1:11434/v1, /v1/chat/completions, -, http://127.0.0.1:11434/v1/chat/completions",
            "http://[::1]:8080, /v1/models, -, http://[::1]:8080/v1/models",
            "http://h:9/api, /v1/chat/completions, '', http://h:9/api/chat/completions",
            "http://h:9/api, /v1/chat/completions, q=%2F%20x&b=%26, http://h:9/api/chat/completions?q=%2F%20x&b=%26",
            "http://h:9/api?k=%3D1, /v1/x, y=%C3%A9, http://h:9/api/x?k=%3D1&y=%C3%A9",
            "http://h:9/api/v1, /v1beta/models, -, http://h:9/api/v1/v1beta/models"})
    void join(String backend, String path, String query, String expected) {
        URI joined = UpstreamUrl.join(URI.create(backend), path, query);
        assertEquals(expected, joined.toString());
    }

    @ParameterizedTest
    @CsvSource({"http://vllm:8000, 8000", "https://x.example:8443/base, 8443", "https://x.example/base, -1"})
    void join_keepsThePort(String backend, int port) {
        assertEquals(port, UpstreamUrl.join(URI.create(backend), "/v1/chat/completions", null).getPort());
    }

    @ParameterizedTest
    @CsvSource({"a=%2F%2e&b=c%20d, a=/.&b=c d", "x=%25, x=%"})
    void join_keepsPercentEncodingRaw(String rawQuery, String decoded) {
        URI joined = UpstreamUrl.join(URI.create("http://h"), "/v1/chat/completions", rawQuery);
        assertEquals(rawQuery, joined.getRawQuery());
        assertEquals(decoded, joined.getQuery());
    }
}
