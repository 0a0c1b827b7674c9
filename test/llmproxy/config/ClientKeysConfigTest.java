package llmproxy.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** client_keys and admin_api_key: binding, the proxy key as "default", and uniqueness. */
class ClientKeysConfigTest {
    private static final String BACKENDS = """
            backends:
              - name: openai
                url: https://api.openai.com/v1
            models:
              gpt-4o:
                routes:
                  - backend: openai
                    model: gpt-4o
            """;

    private static Config load(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of()).parse(BACKENDS + yaml, Path.of("config.yaml"));
    }

    private static List<String> errors(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        return e.problems().stream().map(Problem::toString).toList();
    }

    @Test
    void clientKeysBindWithModelsAndRpmAndTheProxyKeyIsDefaultWithEveryModel() throws ConfigException {
        Config c = load("""
                proxy_api_key: pk
                admin_api_key: ak
                client_keys:
                  - name: support-bot
                    key: bot-key
                    models: ["gpt-4o", "claude-*"]
                    rpm: 600
                  - name: batch
                    key: batch-key
                """);
        assertEquals(List.of(new ClientKey("default", Secret.of("pk"), List.of("*"), 0),
                new ClientKey("support-bot", Secret.of("bot-key"), List.of("gpt-4o", "claude-*"), 600),
                new ClientKey("batch", Secret.of("batch-key"), List.of("*"), 0)), c.clientKeys());
        assertEquals(Secret.of("ak"), c.adminApiKey());
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
    }

    @Test
    void clientKeysAloneTurnAuthenticationOnWithoutTheNoKeyWarning() throws ConfigException {
        Config c = load("""
                client_keys:
                  - name: a
                    key: a-key
                """);
        assertEquals(1, c.clientKeys().size());
        assertFalse(c.warnings().stream().anyMatch(p -> p.path().equals("proxy_api_key")));
        assertTrue(load("").warnings().stream().anyMatch(p -> p.path().equals("proxy_api_key")));
    }

    @Test
    void duplicateNamesAndKeysAreLoadErrorsThatNeverPrintTheKey() {
        List<String> errors = errors("""
                proxy_api_key: shared-secret-1
                admin_api_key: shared-secret-2
                client_keys:
                  - name: a
                    key: own-secret
                  - name: a
                    key: other-secret
                  - name: default
                    key: third-secret
                  - name: b
                    key: shared-secret-2
                  - name: c
                    key: shared-secret-1
                """);
        assertEquals(List.of(
                "admin_api_key (line 10): the same key as client_keys[3]; the admin key must differ from every client key",
                "client_keys[1].name (line 14): duplicate client key name \"a\" (also client_keys[0])",
                "client_keys[2].name (line 16): duplicate client key name \"default\" (also proxy_api_key)",
                "client_keys[4].key (line 21): the same key as proxy_api_key; every client needs its own key"),
                errors);
        assertFalse(errors.toString().contains("shared-secret"));
    }

    @Test
    void missingNameOrKeyAndBadRpmAreLoadErrors() {
        assertEquals(List.of("client_keys[0].name (line 10): is required",
                        "client_keys[0].key (line 10): is required",
                        "client_keys[1].rpm (line 13): must not be negative, got -1",
                        "client_keys[2] (line 14): must be a mapping with name and key, got a single value"),
                errors("""
                        client_keys:
                          - models: ["*"]
                          - name: x
                            key: y
                            rpm: -1
                          - just-a-string
                        """));
    }
}
