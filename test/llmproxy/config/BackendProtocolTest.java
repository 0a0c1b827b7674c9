package llmproxy.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code backends[].protocol}: openai, anthropic or auto (the default). */
class BackendProtocolTest {
    private static final Path FILE = Path.of("config.yaml");

    private static String config(String protocolLine) {
        return """
                backends:
                  - name: a
                    url: https://a.example/v1
                %s
                models:
                  m:
                    routes:
                      - backend: a
                        model: x
                """.formatted(protocolLine);
    }

    private static Config load(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of()).parse(yaml, FILE);
    }

    @Test
    void protocolDefaultsToAuto() throws ConfigException {
        assertEquals(BackendProtocol.AUTO, load(config("")).backends().get(0).protocol());
    }

    @Test
    void protocolIsReadForEachBackend() throws ConfigException {
        assertEquals(BackendProtocol.ANTHROPIC, load(config("    protocol: anthropic")).backends().get(0).protocol());
        assertEquals(BackendProtocol.OPENAI, load(config("    protocol: openai")).backends().get(0).protocol());
        assertEquals(BackendProtocol.AUTO, load(config("    protocol: auto")).backends().get(0).protocol());
    }

    @Test
    void anUnknownProtocolIsAnErrorNamingTheKeyAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(config("    protocol: gemini")));
        assertEquals(List.of("backends[0].protocol (line 4): must be openai, anthropic or auto, got \"gemini\""),
                e.problems().stream().map(Problem::toString).filter(s -> s.contains("protocol")).toList());
    }
}
