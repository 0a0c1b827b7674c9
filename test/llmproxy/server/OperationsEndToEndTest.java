package llmproxy.server;

import llmproxy.metrics.ExpositionChecker;
import llmproxy.routing.Candidate;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics, /status, DELETE /status/cooldowns and client keys, through a real server and a mock upstream. */
class OperationsEndToEndTest {
    private MockUpstream upstream;
    private ProxyFixture proxy;

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(String keys) throws Exception {
        upstream = MockUpstream.start(MockUpstream.chatOk("up"));
        proxy = ProxyFixture.start("""
                proxy_api_key: proxy-key
                %s
                backends:
                  - name: openai
                    url: %s
                  - name: spare
                    url: %s
                models:
                  gpt-4o:
                    routes:
                      - backend: openai
                        model: gpt-4o
                        weight: 3
                      - backend: spare
                        model: gpt-4o-spare
                  claude-sonnet:
                    routes:
                      - backend: spare
                        model: sonnet
                """.formatted(keys, upstream.url(), upstream.url()), Map.of());
    }

    private static final String KEYS = """
            client_keys:
              - name: support-bot
                key: bot-key
                models: ["claude-*"]
                rpm: 2
            """;

    private HttpResponse<String> chat(String key, String model) {
        return proxy.post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}",
                "Authorization", "Bearer " + key);
    }

    @Test
    void metricsAreServedInStrictTextFormatToAnyClientKeyWithoutAnAdminKey() throws Exception {
        start(KEYS);
        assertEquals(200, chat("proxy-key", "gpt-4o").statusCode());

        HttpResponse<String> m = proxy.get("/metrics", "Authorization", "Bearer bot-key");
        assertEquals(200, m.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", m.headers().firstValue("content-type").orElseThrow());
        ExpositionChecker.Exposition e = ExpositionChecker.check(m.body());
        assertEquals(0, e.value("llmproxy_in_flight_requests", Map.of()));
        assertEquals(0, e.value("llmproxy_cooldown_active", Map.of("backend", "openai", "model", "gpt-4o")));
        assertEquals(401, proxy.get("/metrics").statusCode());
        assertEquals(401, proxy.get("/status", "Authorization", "Bearer wrong").statusCode());
        assertEquals(200, proxy.get("/health").statusCode(), "health stays open");
    }

    @Test
    void anAdminKeyAloneOpensMetricsAndStatusAndCannotProxy() throws Exception {
        start("admin_api_key: admin-key\n" + KEYS);
        assertEquals(200, proxy.get("/metrics", "Authorization", "Bearer admin-key").statusCode());
        assertEquals(200, proxy.get("/status", "x-api-key", "admin-key").statusCode());
        HttpResponse<String> refused = proxy.get("/status", "Authorization", "Bearer proxy-key");
        assertEquals(403, refused.statusCode());
        assertTrue(refused.body().contains("\"code\":\"permission_denied\""), refused.body());
        HttpResponse<String> proxied = chat("admin-key", "gpt-4o");
        assertEquals(403, proxied.statusCode());
        assertEquals(0, upstream.count());
    }

    @Test
    void statusReportsConfigBackendsCooldownsAndAliasOrder() throws Exception {
        start(KEYS);
        proxy.gateway().cooldowns().coolDown(new Candidate.Pair("openai", "gpt-4o"), 30_000, "http 503");

        HttpResponse<String> r = proxy.get("/status", "Authorization", "Bearer proxy-key");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) TinyJson.parse(r.body());
        assertEquals(List.of("version", "started_at", "uptime_seconds", "in_flight_requests", "config", "backends",
                "aliases", "client_keys"), List.copyOf(status.keySet()));
        assertEquals("dev", status.get("version"));
        Map<?, ?> config = (Map<?, ?>) status.get("config");
        assertEquals("none", ((Map<?, ?>) config.get("last_reload")).get("result"));
        List<?> backends = (List<?>) status.get("backends");
        Map<?, ?> openai = (Map<?, ?>) backends.get(0);
        assertEquals("openai", openai.get("name"));
        Map<?, ?> pair = (Map<?, ?>) ((List<?>) openai.get("models")).get(0);
        assertEquals("gpt-4o", pair.get("model"));
        assertEquals("cooling", pair.get("state"));
        Map<?, ?> cooldown = (Map<?, ?>) pair.get("cooldown");
        assertEquals("http 503", cooldown.get("reason"));
        double remaining = (Double) cooldown.get("remaining_seconds");
        assertTrue(remaining > 0 && remaining <= 30, "remaining " + remaining);
        assertTrue(((String) cooldown.get("until")).endsWith("Z"));
        assertNull(pair.get("last_failure"));
        Map<?, ?> spare = (Map<?, ?>) ((List<?>) ((Map<?, ?>) backends.get(1)).get("models")).get(0);
        assertEquals("ok", spare.get("state"));
        Map<?, ?> gpt = (Map<?, ?>) ((List<?>) status.get("aliases")).get(0);
        List<?> order = (List<?>) gpt.get("candidates");
        assertEquals(List.of("spare", "openai"), order.stream().map(c -> ((Map<?, ?>) c).get("backend")).toList(),
                "the cooling pair goes last");
        assertEquals(true, ((Map<?, ?>) order.get(1)).get("cooling"));
        assertEquals(3.0, ((Map<?, ?>) order.get(1)).get("weight"));
        assertEquals(List.of(Map.of("name", "default", "models", List.of("*"), "rpm", 0.0),
                        Map.of("name", "support-bot", "models", List.of("claude-*"), "rpm", 2.0)),
                status.get("client_keys"), "key names, never the keys");
        assertFalse(r.body().contains("bot-key") || r.body().contains("proxy-key"), r.body());
    }

    @Test
    void deletingCooldownsClearsOnePairOrAll() throws Exception {
        start("");
        var cooldowns = proxy.gateway().cooldowns();
        Candidate.Pair a = new Candidate.Pair("openai", "gpt-4o");
        Candidate.Pair b = new Candidate.Pair("spare", "sonnet");
        cooldowns.coolDown(a, 60_000);
        cooldowns.coolDown(b, 60_000);
        HttpResponse<String> one = proxy.send(HttpRequest.newBuilder(proxy.uri("/status/cooldowns?backend=openai&model=gpt-4o"))
                .DELETE().header("Authorization", "Bearer proxy-key").build());
        assertEquals(200, one.statusCode());
        assertEquals("{\"cleared\":1}", one.body());
        assertEquals(0, cooldowns.until(a));
        assertTrue(cooldowns.until(b) > 0);
        HttpResponse<String> all = proxy.send(HttpRequest.newBuilder(proxy.uri("/status/cooldowns"))
                .DELETE().header("Authorization", "Bearer proxy-key").build());
        assertEquals("{\"cleared\":1}", all.body());
        assertTrue(cooldowns.active().isEmpty());
        HttpResponse<String> half = proxy.send(HttpRequest.newBuilder(proxy.uri("/status/cooldowns?backend=openai"))
                .DELETE().header("Authorization", "Bearer proxy-key").build());
        assertEquals(400, half.statusCode());
        assertEquals(401, proxy.send(HttpRequest.newBuilder(proxy.uri("/status/cooldowns")).DELETE().build()).statusCode());
    }

    @Test
    void modelListShowsOnlyTheKeysModels() throws Exception {
        start(KEYS);
        String bot = proxy.get("/v1/models", "Authorization", "Bearer bot-key").body();
        assertTrue(bot.contains("\"claude-sonnet\""), bot);
        assertFalse(bot.contains("gpt-4o"), bot);
        String all = proxy.get("/v1/models", "Authorization", "Bearer proxy-key").body();
        assertTrue(all.contains("\"gpt-4o\"") && all.contains("\"claude-sonnet\""), all);
        assertEquals(404, proxy.get("/v1/models/gpt-4o", "Authorization", "Bearer bot-key").statusCode());
        assertEquals(200, proxy.get("/v1/models/claude-sonnet", "Authorization", "Bearer bot-key").statusCode());
    }

    @Test
    void aKeyOverItsRpmGets429WithRetryAfterInTheRightEnvelope() throws Exception {
        start(KEYS);
        assertEquals(200, chat("bot-key", "claude-sonnet").statusCode());
        assertEquals(200, proxy.post("/v1/messages", "{\"model\":\"claude-sonnet\",\"max_tokens\":1,\"messages\":[]}",
                "x-api-key", "bot-key").statusCode());
        HttpResponse<String> openai = chat("bot-key", "claude-sonnet");
        assertEquals(429, openai.statusCode());
        assertTrue(Long.parseLong(openai.headers().firstValue("retry-after").orElseThrow()) >= 1);
        assertTrue(openai.body().startsWith("{\"error\":{\"message\":\"the API key \\\"support-bot\\\" is over its limit"),
                openai.body());
        assertTrue(openai.body().contains("\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\""), openai.body());
        HttpResponse<String> anthropic = proxy.post("/v1/messages", "{\"model\":\"claude-sonnet\"}", "x-api-key", "bot-key");
        assertEquals(429, anthropic.statusCode());
        assertTrue(anthropic.body().startsWith("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\""),
                anthropic.body());
        assertEquals(200, chat("proxy-key", "claude-sonnet").statusCode(), "other keys are not limited");
        assertEquals(3, upstream.count());
    }

    @Test
    void keyNamesAppearUnmaskedInLogLinesAndRequestBlocks_andTheKeysNever() throws Exception {
        start("admin_api_key: admin-key-0123456789\nlogging:\n  level: debug\n" + KEYS);
        assertEquals(200, chat("bot-key", "claude-sonnet").statusCode());
        assertEquals(403, chat("bot-key", "gpt-4o").statusCode());
        int status = 0;
        for (int i = 0; i < 3 && status != 429; i++) {
            status = chat("bot-key", "claude-sonnet").statusCode();
        }
        assertEquals(429, status);
        assertEquals(200, proxy.get("/metrics", "Authorization", "Bearer admin-key-0123456789").statusCode());
        assertEquals(403, proxy.get("/metrics", "Authorization", "Bearer bot-key").statusCode());
        assertEquals(200, proxy.send(HttpRequest.newBuilder(proxy.uri("/status/cooldowns")).DELETE()
                .header("Authorization", "Bearer admin-key-0123456789").build()).statusCode());
        proxy.settle();

        String log = proxy.logOutput();
        assertTrue(log.contains("alias=claude-sonnet client=127.0.0.1 key_name=support-bot status=200"), log);
        assertTrue(log.contains("request rejected: status=403 code=permission_denied key_name=support-bot "), log);
        assertTrue(log.contains("rate limited: key_name=support-bot"), log);
        assertTrue(log.contains("admin GET /metrics by key_name=admin"), log);
        assertTrue(log.contains("admin request refused: key_name=support-bot path=/metrics"), log);
        assertTrue(log.contains("cooldowns cleared by key_name=admin: all cooldowns"), log);
        assertTrue(log.contains("\n  key_name: support-bot\n"), log);
        assertFalse(log.contains("key_name=****"), log);
        assertFalse(log.contains("bot-key") || log.contains("admin-key-0123456789"), log);
    }
}
