package llmproxy.server;

import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one-line summary of what a reload changed. */
class ConfigReloadChangesTest {
    static final String BASE = """
            listen: "127.0.0.1:0"
            backends:
              - name: a
                url: "http://127.0.0.1:1"
                api_key: "sk-old-secret-0123456789"
              - name: b
                url: "http://127.0.0.1:2"
            models:
              "x":
                routes:
                  - backend: a
                    model: "mx"
              "y":
                routes:
                  - backend: b
                    model: "my"
            """;

    static Config parse(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of()).parse(yaml, Path.of("config.yaml"));
    }

    @Test
    void sameConfig_saysNoEffectiveChanges() throws Exception {
        assertEquals("2 backends, 2 aliases (no effective changes)",
                ConfigChanges.summary(parse(BASE), parse(BASE + "# a comment\n")));
    }

    @Test
    void namesBackendsAndAliasesAddedRemovedAndChanged() throws Exception {
        String next = BASE
                .replace("sk-old-secret-0123456789", "sk-new-secret-9876543210")
                .replace("""
                          - name: b
                            url: "http://127.0.0.1:2"
                        """, """
                          - name: c
                            url: "http://127.0.0.1:3"
                        """)
                .replace("backend: b", "backend: c")
                .replace("\"y\":", "\"z\":")
                + "logging:\n  level: debug\nfallback:\n  cooldown_seconds: 5\n";

        String summary = ConfigChanges.summary(parse(BASE), parse(next));

        assertEquals("2 backends, 2 aliases (backends added: c; backends removed: b; backends changed: a; "
                + "aliases added: z; aliases removed: y; settings changed: fallback, logging)", summary);
    }

    @Test
    void listenOnlyChange_namesListen_notServer() throws Exception {
        String next = BASE.replace("127.0.0.1:0", "127.0.0.1:8081");

        assertEquals("2 backends, 2 aliases (settings changed: listen)", ConfigChanges.summary(parse(BASE), parse(next)));
    }

    @Test
    void serverLimitChange_namesServer_notListen() throws Exception {
        String next = BASE + "server:\n  max_concurrent: 5\n";

        assertEquals("2 backends, 2 aliases (settings changed: server)", ConfigChanges.summary(parse(BASE), parse(next)));
    }

    @Test
    void namesClientKeysAddedRemovedAndChanged_andTheAdminKey_neverTheKeys() throws Exception {
        String keys = """
                proxy_api_key: "proxy-key-0123456789"
                client_keys:
                  - {name: bot, key: "bot-key-0123456789", models: ["x"]}
                  - {name: old-app, key: "old-key-0123456789"}
                """;
        String next = """
                proxy_api_key: "proxy-key-0123456789"
                admin_api_key: "admin-key-0123456789"
                client_keys:
                  - {name: bot, key: "bot-key-0123456789", models: ["x", "y"], rpm: 5}
                  - {name: new-app, key: "new-key-0123456789"}
                """;

        assertEquals("2 backends, 2 aliases (client keys added: new-app; client keys removed: old-app; client keys"
                        + " changed: bot; settings changed: admin_api_key)",
                ConfigChanges.summary(parse(BASE + keys), parse(BASE + next)));
        assertEquals("2 backends, 2 aliases (settings changed: proxy_api_key)",
                ConfigChanges.summary(parse(BASE + keys), parse(BASE + keys.replace("proxy-key-", "proxy-key-x"))));
    }
}
