package llmproxy.demo;

import static llmproxy.demo.DemoConfig.CHAT_ALIAS;
import static llmproxy.demo.DemoConfig.CLAUDE_ALIAS;
import static llmproxy.demo.DemoConfig.COOLDOWN_SECONDS;
import static llmproxy.demo.DemoConfig.FLAKY;
import static llmproxy.demo.DemoConfig.FLAKY_ALIAS;
import static llmproxy.demo.DemoConfig.OPENAI;
import static llmproxy.demo.DemoConfig.PROXY_KEY;

/**
 * What {@code -demo} prints once the proxy is up: the configuration it runs and curl commands that work as
 * printed against this run. Commands are one line each, in POSIX shell quoting, with no shell expansions.
 */
final class DemoGuide {
    static final String CONFIG_START = "----- the configuration of this run (copy it as a start) -----";
    static final String CONFIG_END = "----- end of configuration -----";
    static final String END = "Ctrl+C stops the demo.";

    private DemoGuide() {
        throw new AssertionError();
    }

    static String text(String proxyUrl, String yaml) {
        String bearer = " -H 'Authorization: Bearer " + PROXY_KEY + "' -H 'Content-Type: application/json'";
        String anthropic = " -H 'x-api-key: " + PROXY_KEY + "' -H 'anthropic-version: " + FakeAnthropic.VERSION
                + "' -H 'content-type: application/json'";
        String hello = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]";
        return "\n" + CONFIG_START + "\n" + yaml + CONFIG_END + "\n\n"
                + "llm-proxy demo: the proxy listens on " + proxyUrl + " (loopback only), in front of three fake\n"
                + "providers in this process. Nothing leaves this machine and no file is written.\n"
                + "Try these in another terminal; the proxy's log below shows what each one did.\n\n"
                + "# 1. Chat completion (OpenAI JSON): alias " + CHAT_ALIAS + " -> backend " + OPENAI + "\n"
                + "curl -s -w '\\n' " + proxyUrl + "/v1/chat/completions" + bearer
                + " -d '{\"model\":\"" + CHAT_ALIAS + "\"," + hello + "}'\n\n"
                + "# 2. The same, streamed: OpenAI SSE chunks as they come (-N: no curl buffering)\n"
                + "curl -N -s " + proxyUrl + "/v1/chat/completions" + bearer
                + " -d '{\"model\":\"" + CHAT_ALIAS + "\",\"stream\":true," + hello + "}'\n\n"
                + "# 3. Anthropic Messages through the proxy's /v1/messages: alias " + CLAUDE_ALIAS + "\n"
                + "curl -s -w '\\n' " + proxyUrl + "/v1/messages" + anthropic
                + " -d '{\"model\":\"" + CLAUDE_ALIAS + "\",\"max_tokens\":256," + hello + "}'\n\n"
                + "# 4. The same, streamed: message_start, content_block_*, message_delta, message_stop\n"
                + "curl -N -s " + proxyUrl + "/v1/messages" + anthropic
                + " -d '{\"model\":\"" + CLAUDE_ALIAS + "\",\"max_tokens\":256,\"stream\":true," + hello + "}'\n\n"
                + "# 5. Fallback: alias " + FLAKY_ALIAS + " tries " + FLAKY + " first, which answers 503 to every other\n"
                + "#    request; the proxy falls back to " + OPENAI + " and cools " + FLAKY + " down for "
                + COOLDOWN_SECONDS + " s.\n"
                + "#    Run it again: within " + COOLDOWN_SECONDS + " s it is skipped, after that it is tried (and served) again.\n"
                + "curl -s -w '\\n' " + proxyUrl + "/v1/chat/completions" + bearer
                + " -d '{\"model\":\"" + FLAKY_ALIAS + "\"," + hello + "}'\n\n"
                + "# 6. Translation: an OpenAI-format request for " + CLAUDE_ALIAS + ", whose backend speaks Anthropic's\n"
                + "#    Messages API; the proxy translates the request and the answer both ways\n"
                + "curl -s -w '\\n' " + proxyUrl + "/v1/chat/completions" + bearer
                + " -d '{\"model\":\"" + CLAUDE_ALIAS + "\"," + hello + "}'\n\n"
                + "# 7. The model aliases clients can ask for\n"
                + "curl -s -w '\\n' " + proxyUrl + "/v1/models -H 'Authorization: Bearer " + PROXY_KEY + "'\n\n"
                + "SDKs: OpenAI base URL " + proxyUrl + "/v1, Anthropic base URL " + proxyUrl + ", API key "
                + PROXY_KEY + ".\n" + END + "\n";
    }
}
