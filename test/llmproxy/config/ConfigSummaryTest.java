package llmproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSummaryTest {
    private static Config load(String yaml) throws ConfigException {
        return new ConfigLoader(Map.of()).parse(yaml, Path.of("config.yaml"));
    }

    @Test
    void format_showsEverySectionOnOneScreen() throws ConfigException {
        Config c = load("""
                listen: "127.0.0.1:9000"
                proxy_api_key: sk-proxy-secret
                backends:
                  - name: openai
                    url: https://api.openai.com/v1
                    api_key: sk-openai-secret
                  - name: local
                    url: http://127.0.0.1:8000
                    enabled: false
                models:
                  gpt-4o:
                    routes:
                      - {backend: local, model: llama, priority: 2}
                      - {backend: openai, model: gpt-4o, priority: 1, enabled: false}
                      - {backend: openai, model: gpt-4o-mini, priority: 3}
                  mini:
                    enabled: false
                    routes:
                      - {backend: openai, model: gpt-4o-mini}
                fallback:
                  max_retries: 2
                  alias_fallback:
                    gpt-4o: [mini]
                detection:
                  error_codes: []
                logging:
                  general_file: ./proxy.log
                  levle: debug
                """);
        assertEquals("""
                listen     127.0.0.1:9000 (127.0.0.1, port 9000)
                auth       on (proxy_api_key set)
                backends   2
                  openai  https://api.openai.com/v1  enabled   key set
                    auth client's style (auto); direct
                  local   http://127.0.0.1:8000      DISABLED  no key
                    auth client's style (auto); direct
                models     2
                  gpt-4o
                    p=1  openai: gpt-4o  [route disabled]
                    p=2  local: llama  [backend disabled]
                    p=3  openai: gpt-4o-mini
                    L2 fallback -> mini
                  mini  [alias disabled]
                    p=0  openai: gpt-4o-mini
                detection  codes (none); patterns (none)
                fallback   cooldown 60s, max_retries 2
                timeouts   connect 10s, response headers 300s, stream idle 300s
                egress     direct
                tls        listener plain HTTP; CAs: JDK defaults
                server     max body 64 MB, max concurrent unlimited
                logging    info, ./proxy.log
                warnings   1
                  logging.levle (line 28): unknown key "levle" (did you mean "level"?); ignored
                """, ConfigSummary.format(c));
    }

    @Test
    void format_saysWhenAuthenticationIsOff_andNeverPrintsKeys() throws ConfigException {
        String summary = ConfigSummary.format(load("""
                backends:
                  - name: a
                    url: https://a.example
                    api_key: sk-very-secret
                models:
                  m: [{backend: a, model: x}]
                """));
        assertEquals("auth       OFF (no proxy_api_key)", summary.lines().skip(1).findFirst().orElseThrow());
        assertFalse(summary.contains("sk-very-secret"), summary);
    }

    @org.junit.jupiter.api.Test
    void backendUrlQueryValues_areStarred_butTheApiVersionIsShown() {
        assertEquals("https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21&sig=****&flag",
                ConfigSummary.shown(java.net.URI.create(
                        "https://r.openai.azure.com/openai/deployments/d?api-version=2024-10-21&sig=SECRETSIG123&flag")));
        assertEquals("http://h:8000/v1", ConfigSummary.shown(java.net.URI.create("http://h:8000/v1")));
    }
}
