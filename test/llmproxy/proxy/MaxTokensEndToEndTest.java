package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An OpenAI client that names no max_tokens, served by a strict Anthropic backend that requires one. */
class MaxTokensEndToEndTest {
    private static final String CONFIG = """
            listen: "127.0.0.1:0"
            backends:
              - name: claude
                url: "${ANTHROPIC}"
                api_key: "sk-ant-backend"
                protocol: anthropic
            defaults:
              max_tokens: 1000
            models:
              "route-limit":
                routes:
                  - backend: claude
                    model: "claude-a"
                    max_tokens: 256
              "default-limit":
                routes:
                  - backend: claude
                    model: "claude-b"
            logging:
              level: error
            """;

    private final Closer closer = new Closer();

    @AfterEach
    void closeAll() {
        closer.close();
    }

    @Test
    void aTranslatedRequestWithoutMaxTokensAsksTheRoutesLimitElseTheConfiguredDefault() throws Exception {
        MockUpstream claude = closer.upstream(TranslationEndToEndTest.strictAnthropic(MockUpstream.json(200,
                TranslationEndToEndTest.golden("response/anthropic-to-openai/text-end-turn-with-cache-usage.in.json"))));
        ProxyFixture p = closer.proxy(CONFIG, Map.of("ANTHROPIC", claude.url()), new TestClock(1_700_000_000_000L));

        HttpResponse<String> routed = p.post("/v1/chat/completions",
                "{\"model\":\"route-limit\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, routed.statusCode(), routed.body());
        assertTrue(claude.last().bodyText().contains("\"max_tokens\":256"), claude.last().bodyText());

        HttpResponse<String> defaulted = p.post("/v1/chat/completions",
                "{\"model\":\"default-limit\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, defaulted.statusCode(), defaulted.body());
        assertTrue(claude.last().bodyText().contains("\"max_tokens\":1000"), claude.last().bodyText());

        HttpResponse<String> own = p.post("/v1/chat/completions",
                "{\"model\":\"route-limit\",\"max_tokens\":7,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertEquals(200, own.statusCode(), own.body());
        assertTrue(claude.last().bodyText().contains("\"max_tokens\":7"), claude.last().bodyText());
        assertEquals(3, claude.count());
    }
}
