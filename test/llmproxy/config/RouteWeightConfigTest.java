package llmproxy.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouteWeightConfigTest {
    private static Config load(String weights) throws ConfigException {
        return new ConfigLoader(Map.of()).parse("""
                proxy_api_key: k
                backends:
                  - name: a
                    url: https://a.example/v1
                models:
                  m:
                    routes:
                      - backend: a
                        model: one
                """ + weights, Path.of("config.yaml"));
    }

    @Test
    void weightDefaultsToOneAndIsReadPerRoute() throws ConfigException {
        assertEquals(1, load("").models().get("m").routes().get(0).weight());
        Config c = load("""
                      - backend: a
                        model: two
                        weight: 3
                """);
        assertEquals(List.of(1, 3), c.models().get("m").routes().stream().map(Route::weight).toList());
    }

    @Test
    void zeroOrNegativeWeightIsALoadError() {
        for (String w : List.of("0", "-2")) {
            ConfigException e = assertThrows(ConfigException.class, () -> load("""
                          - backend: a
                            model: two
                            weight: %s
                    """.formatted(w)));
            assertEquals(List.of("models.m.routes[1].weight (line 12): must be at least 1, got " + w),
                    e.problems().stream().map(Problem::toString).toList());
        }
    }
}
