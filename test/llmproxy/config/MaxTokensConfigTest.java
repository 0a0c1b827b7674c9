package llmproxy.config;

import llmproxy.routing.Candidate;
import llmproxy.routing.Plan;
import llmproxy.routing.Routes;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MaxTokensConfigTest {
    private static Config load(String secondRoute, String defaults) throws ConfigException {
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
                """ + secondRoute + defaults, Path.of("config.yaml"));
    }

    private static List<Integer> candidateMaxTokens(Config c) {
        Plan.Tiers plan = (Plan.Tiers) Routes.from(c).plan("m");
        return plan.tiers().stream().flatMap(List::stream).map(Candidate::maxTokens).toList();
    }

    @Test
    void withoutAnySettingTranslatedRequestsAsk4096() throws ConfigException {
        Config c = load("", "");
        assertEquals(new Defaults(4096), c.defaults());
        assertEquals(0, c.models().get("m").routes().get(0).maxTokens());
        assertEquals(List.of(4096), candidateMaxTokens(c));
    }

    @Test
    void aRoutesMaxTokensWinsOverTheDefaultsOne() throws ConfigException {
        Config c = load("""
                      - backend: a
                        model: two
                        max_tokens: 256
                """, """
                defaults:
                  max_tokens: 1000
                """);
        assertEquals(List.of(0, 256), c.models().get("m").routes().stream().map(Route::maxTokens).toList());
        assertEquals(List.of(1000, 256), candidateMaxTokens(c));
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void zeroMaxTokensIsALoadErrorInARouteAndInDefaults() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                      - backend: a
                        model: two
                        max_tokens: 0
                """, """
                defaults:
                  max_tokens: -1
                """));
        assertEquals(List.of("models.m.routes[1].max_tokens (line 12): must be at least 1, got 0",
                        "defaults.max_tokens (line 14): must be at least 1, got -1"),
                e.problems().stream().map(Problem::toString).toList());
    }

    @Test
    void anUnknownKeyUnderDefaultsIsWarnedAbout() throws ConfigException {
        Config c = load("", """
                defaults:
                  max_token: 10
                """);
        assertEquals(List.of("defaults.max_token (line 11): unknown key \"max_token\" (did you mean \"max_tokens\"?);"
                + " ignored"), c.warnings().stream().map(Problem::toString).toList());
    }
}
