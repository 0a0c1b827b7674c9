package llmproxy.demo;

import llmproxy.config.Backend;
import llmproxy.config.Config;
import llmproxy.config.ConfigLoader;
import llmproxy.config.ModelAlias;
import llmproxy.config.Route;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoConfigTest {
    private static final DemoConfig.Ports PORTS = new DemoConfig.Ports(8080, 40001, 40002, 40003);

    private static Config load() {
        return Demo.load(new ConfigLoader(Map.of()), PORTS);
    }

    @Test
    void builtInConfig_loadsThroughTheNormalLoader_withoutWarnings() {
        Config c = load();
        assertEquals(List.of(), c.warnings());
        assertEquals("127.0.0.1", c.server().host());
        assertEquals(8080, c.server().port());
        assertTrue(c.proxyApiKey().matches(DemoConfig.PROXY_KEY));
    }

    @Test
    void builtInConfig_pointsEachBackendAtItsFakeOnLoopback_withTheFakesKey() {
        Config c = load();
        assertEquals(List.of(DemoConfig.OPENAI, DemoConfig.FLAKY, DemoConfig.ANTHROPIC),
                c.backends().stream().map(Backend::name).toList());
        assertEquals(URI.create("http://127.0.0.1:40001/v1"), c.backend(DemoConfig.OPENAI).url());
        assertEquals(URI.create("http://127.0.0.1:40002/v1"), c.backend(DemoConfig.FLAKY).url());
        assertEquals(URI.create("http://127.0.0.1:40003/v1"), c.backend(DemoConfig.ANTHROPIC).url());
        assertTrue(c.backend(DemoConfig.OPENAI).apiKey().matches(DemoConfig.OPENAI_KEY));
        assertTrue(c.backend(DemoConfig.FLAKY).apiKey().matches(DemoConfig.FLAKY_KEY));
        assertTrue(c.backend(DemoConfig.ANTHROPIC).apiKey().matches(DemoConfig.ANTHROPIC_KEY));
    }

    @Test
    void builtInConfig_routesEachAliasToBackendsOfTheClientsProtocol_theFlakyOneFirst() {
        Config c = load();
        assertEquals(Map.of(
                DemoConfig.CHAT_ALIAS, new ModelAlias(DemoConfig.CHAT_ALIAS, true,
                        List.of(new Route(DemoConfig.OPENAI, DemoConfig.GPT_MODEL, 0, true))),
                DemoConfig.FLAKY_ALIAS, new ModelAlias(DemoConfig.FLAKY_ALIAS, true, List.of(
                        new Route(DemoConfig.FLAKY, DemoConfig.GPT_MODEL, 1, true),
                        new Route(DemoConfig.OPENAI, DemoConfig.GPT_MODEL, 2, true))),
                DemoConfig.CLAUDE_ALIAS, new ModelAlias(DemoConfig.CLAUDE_ALIAS, true,
                        List.of(new Route(DemoConfig.ANTHROPIC, DemoConfig.CLAUDE_MODEL, 0, true)))), c.models());
        assertEquals(DemoConfig.COOLDOWN_SECONDS, c.fallback().cooldownSeconds());
    }

    @Test
    void builtInConfig_logsToTheConsoleOnly() {
        Config c = load();
        assertEquals("", c.logging().generalFile());
        assertFalse(c.logging().separateFiles());
    }
}
