package llmproxy.demo;

/**
 * The configuration {@code -demo} runs, as YAML text for the normal {@link llmproxy.config.ConfigLoader}:
 * three backends that are the in-process fakes, and one alias per thing to show. The Anthropic-style backend says
 * {@code protocol: anthropic}, so OpenAI clients reach it through translation.
 */
final class DemoConfig {
    static final String HOST = FakeServer.HOST;
    static final int PREFERRED_PORT = 8080;
    static final String PROXY_KEY = "sk-llmproxy-demo";
    static final String OPENAI_KEY = "sk-demo-openai-upstream";
    static final String FLAKY_KEY = "sk-demo-flaky-upstream";
    static final String ANTHROPIC_KEY = "sk-ant-demo-upstream";
    static final String OPENAI = "demo-openai";
    static final String FLAKY = "demo-openai-flaky";
    static final String ANTHROPIC = "demo-anthropic";
    static final String GPT_MODEL = "demo-gpt-1";
    static final String CLAUDE_MODEL = "demo-claude-1";
    static final String CHAT_ALIAS = "gpt-demo";
    static final String FLAKY_ALIAS = "flaky-gpt";
    static final String CLAUDE_ALIAS = "claude-demo";
    static final int COOLDOWN_SECONDS = 10;

    /** Where each part listens; 0 for the proxy means any free port. */
    record Ports(int proxy, int openai, int flaky, int anthropic) {
        /** For reading the settings that do not depend on ports, before anything is bound. */
        static final Ports UNBOUND = new Ports(PREFERRED_PORT, 1, 1, 1);

        Ports withProxy(int port) {
            return new Ports(port, openai, flaky, anthropic);
        }
    }

    private DemoConfig() {
        throw new AssertionError();
    }

    /** The names in the text are the constants above; DemoConfigTest holds them together. */
    static String yaml(Ports p) {
        return """
                # llm-proxy -demo: the configuration of this run. Its three backends are fake providers inside
                # the demo process; point them at real ones (see config.example.yaml) to start your own.
                listen: "127.0.0.1:%d"
                proxy_api_key: "sk-llmproxy-demo"    # clients send it as "Authorization: Bearer ..." or "x-api-key: ..."

                backends:
                  - name: "demo-openai"
                    url: "http://127.0.0.1:%d/v1"
                    api_key: "sk-demo-openai-upstream"   # sent upstream in place of the client's key
                  - name: "demo-openai-flaky"            # answers 503 to every other request, on purpose
                    url: "http://127.0.0.1:%d/v1"
                    api_key: "sk-demo-flaky-upstream"
                  - name: "demo-anthropic"
                    url: "http://127.0.0.1:%d/v1"
                    api_key: "sk-ant-demo-upstream"
                    protocol: "anthropic"                # OpenAI clients reaching it are translated

                models:
                  "gpt-demo":
                    routes:
                      - backend: "demo-openai"
                        model: "demo-gpt-1"              # the model name sent upstream
                  "flaky-gpt":
                    routes:
                      - backend: "demo-openai-flaky"     # tried first...
                        model: "demo-gpt-1"
                        priority: 1
                      - backend: "demo-openai"           # ...serves when the first fails
                        model: "demo-gpt-1"
                        priority: 2
                  "claude-demo":                         # for Anthropic clients, and OpenAI ones (translated)
                    routes:
                      - backend: "demo-anthropic"
                        model: "demo-claude-1"

                fallback:
                  cooldown_seconds: 10                   # a failed backend+model is skipped this long

                detection:
                  error_codes: ["429", "5xx"]            # upstream statuses that trigger fallback

                logging:
                  level: "info"                          # no general_file: the console only
                """.formatted(p.proxy(), p.openai(), p.flaky(), p.anthropic());
    }
}
