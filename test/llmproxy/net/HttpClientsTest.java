package llmproxy.net;

import llmproxy.config.Config;
import llmproxy.testkit.ProxyFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** One HttpClient per distinct (connect timeout, egress proxy): shared where equal, kept across reloads. */
class HttpClientsTest {
    static final String YAML = """
            listen: "127.0.0.1:0"
            upstream_proxy: "http://corp:3128"
            backends:
              - {name: a, url: "https://a.test/v1"}
              - {name: b, url: "https://b.test/v1"}
              - {name: slow, url: "https://a.test/v1", timeouts: {connect_seconds: 30}}
              - {name: direct, url: "https://a.test/v1", proxy: none}
            """;

    @Test
    void backendsWithTheSameConnectTimeoutAndProxy_shareAClient_othersGetTheirOwn() {
        Config c = ProxyFixture.config(YAML, Map.of());
        HttpClients clients = HttpClients.create(c);
        try {
            assertSame(clients.forBackend(c.backend("a")), clients.forBackend(c.backend("b")));
            assertNotSame(clients.forBackend(c.backend("a")), clients.forBackend(c.backend("slow")));
            assertNotSame(clients.forBackend(c.backend("a")), clients.forBackend(c.backend("direct")),
                    "two backends on the same host may leave by different ways");
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void reconfigure_keepsClientsWhoseSettingsDidNotChange() {
        Config c = ProxyFixture.config(YAML, Map.of());
        HttpClients clients = HttpClients.create(c);
        try {
            HttpClients next = clients.reconfigure(ProxyFixture.config(YAML.replace("corp:3128", "other:3128"), Map.of()));
            assertSame(clients.forBackend(c.backend("direct")), next.forBackend(c.backend("direct")));
            assertNotSame(clients.forBackend(c.backend("a")), next.forBackend(c.backend("a")));
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void reconfigure_appliesANewGlobalConnectTimeout_withoutARestart() {
        Config c = ProxyFixture.config(YAML, Map.of());
        HttpClients clients = HttpClients.create(c);
        try {
            Config next = ProxyFixture.config(YAML + "timeouts: {connect_seconds: 3}\n", Map.of());
            assertEquals(Optional.of(Duration.ofSeconds(3)),
                    clients.reconfigure(next).forBackend(next.backend("a")).connectTimeout());
        } finally {
            clients.shutdownNow();
        }
    }
}
