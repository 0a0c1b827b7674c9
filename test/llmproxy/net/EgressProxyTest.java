package llmproxy.net;

import com.sun.net.httpserver.HttpsServer;
import llmproxy.config.Config;
import llmproxy.config.Secret;
import llmproxy.testkit.Closer;
import llmproxy.testkit.ConnectProxy;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import llmproxy.testkit.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The egress proxy on real sockets: plain HTTP forwarded through a loopback proxy with Basic credentials,
 * HTTPS through a CONNECT tunnel, no_proxy and a backend's {@code proxy: none} going direct.
 * (Basic on CONNECT tunnels needs a JVM-wide property set at start: see EgressTunnelProcessTest.)
 */
class EgressProxyTest {
    static final String CHAT = "{\"model\":\"m\",\"messages\":[]}";

    @TempDir
    static Path pkiDir;
    static TestPki pki;
    static TestPki.Identity backendId;

    final Closer closer = new Closer();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(pkiDir, "Egress Test CA");
        backendId = pki.issue("backend", "EC");
    }

    @AfterEach
    void closeAll() {
        closer.close();
    }

    static String yaml(String top, String backendExtra) {
        return """
                listen: "127.0.0.1:0"
                %s
                backends:
                  - name: a
                    url: "${A}"
                    api_key: sk-backend-key-0123456789
                %s
                models:
                  m:
                    routes:
                      - {backend: a, model: up}
                """.formatted(top, backendExtra);
    }

    Map<String, String> env(String upstream, ConnectProxy proxy, String userInfo) {
        Map<String, String> env = new HashMap<>();
        env.put("A", upstream);
        env.put("PROXY", proxy.url(userInfo));
        return env;
    }

    @Test
    void plainHttpBackend_isForwardedThroughTheProxy_withBasicCredentialsAfterA407() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("via-proxy"));
        ConnectProxy proxy = closer.add(ConnectProxy.start("alice", "pr0xy-s3cret-pass"));
        ProxyFixture p = closer.proxy(yaml("upstream_proxy: \"${PROXY}\"", ""),
                env(up.url(), proxy, "alice:pr0xy-s3cret-pass"), new TestClock(0));

        HttpResponse<String> r = p.post("/v1/chat/completions", CHAT);

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("via-proxy"));
        assertEquals(1, proxy.forwarded().size(), proxy.forwarded().toString());
        assertTrue(proxy.forwarded().get(0).startsWith("POST http://127.0.0.1:" + up.port() + "/"), proxy.forwarded().toString());
        assertTrue(proxy.challenges() >= 1, "the JDK answers the proxy's challenge");
        assertEquals(null, up.last().header("Proxy-Authorization"), "proxy credentials stay with the proxy");
        assertEquals("Bearer sk-backend-key-0123456789", up.last().header("Authorization"));
    }

    @Test
    void proxyPassword_isASecretForTheLogMasker() {
        Config c = ProxyFixture.config(yaml("upstream_proxy: \"http://alice:pr0xy-s3cret-pass@127.0.0.1:3128\"",
                "    proxy: \"http://bob:other-s3cret-pass@127.0.0.1:3129\""), Map.of("A", "http://127.0.0.1:1"));
        List<String> secrets = c.secrets().stream().map(Secret::value).toList();
        assertTrue(secrets.contains("pr0xy-s3cret-pass"), secrets.toString());
        assertTrue(secrets.contains("other-s3cret-pass"), secrets.toString());
        assertTrue(c.network().httpsProxy().toString().equals("http://alice:****@127.0.0.1:3128"));
    }

    @Test
    void wrongProxyPassword_failsTheAttempt_andTheBackendIsNeverReached() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("never"));
        ConnectProxy proxy = closer.add(ConnectProxy.start("alice", "right-password"));
        ProxyFixture p = closer.proxy(yaml("upstream_proxy: \"${PROXY}\"", ""),
                env(up.url(), proxy, "alice:wrong-password"), new TestClock(0));

        HttpResponse<String> r = p.post("/v1/chat/completions", CHAT);

        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("authentication"), r.body());
        assertTrue(!r.body().contains("wrong-password"), r.body());
        assertEquals(0, up.count());
        assertTrue(proxy.forwarded().isEmpty());
    }

    @Test
    void proxyRefusingTheConnectTunnel_failsTheAttemptAsAConnectFailureNamingTheStatus() throws Exception {
        try (java.net.ServerSocket refusing = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!refusing.isClosed()) {
                    try (java.net.Socket s = refusing.accept()) {
                        byte[] head = new byte[4096];
                        int n = s.getInputStream().read(head);
                        if (n > 0) {
                            s.getOutputStream().write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                        }
                    } catch (java.io.IOException e) {
                        // Closed at the end of the test.
                    }
                }
            });
            ProxyFixture p = closer.proxy(yaml("upstream_proxy: \"http://127.0.0.1:" + refusing.getLocalPort() + "\"", ""),
                    Map.of("A", "https://127.0.0.1:9/v1"), new TestClock(0));

            HttpResponse<String> r = p.post("/v1/chat/completions", CHAT);

            assertEquals(502, r.statusCode(), r.body());
            assertTrue(r.body().contains("egress proxy refused the CONNECT tunnel: status 403"), r.body());
        }
    }

    @Test
    void noProxy_sendsMatchingHostsDirect() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("direct"));
        ConnectProxy proxy = closer.add(ConnectProxy.start(null, null));
        ProxyFixture p = closer.proxy(yaml("upstream_proxy: \"${PROXY}\"\nno_proxy: [\"example.com\", \"127.0.0.0/8\"]", ""),
                env(up.url(), proxy, null), new TestClock(0));

        assertEquals(200, p.post("/v1/chat/completions", CHAT).statusCode());
        assertEquals(1, up.count());
        assertTrue(proxy.forwarded().isEmpty() && proxy.tunnels().isEmpty());
    }

    @Test
    void backendProxyNone_goesDirectDespiteTheUpstreamProxy() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("direct"));
        ConnectProxy proxy = closer.add(ConnectProxy.start(null, null));
        ProxyFixture p = closer.proxy(yaml("upstream_proxy: \"${PROXY}\"", "    proxy: none"),
                env(up.url(), proxy, null), new TestClock(0));

        assertEquals(200, p.post("/v1/chat/completions", CHAT).statusCode());
        assertTrue(proxy.forwarded().isEmpty() && proxy.tunnels().isEmpty());
    }

    @Test
    void backendProxy_overridesADirectDefault() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("via-backend-proxy"));
        ConnectProxy proxy = closer.add(ConnectProxy.start(null, null));
        ProxyFixture p = closer.proxy(yaml("", "    proxy: \"${PROXY}\""), env(up.url(), proxy, null), new TestClock(0));

        assertEquals(200, p.post("/v1/chat/completions", CHAT).statusCode());
        assertEquals(1, proxy.forwarded().size());
    }

    @Test
    void httpsBackend_goesThroughAConnectTunnel_andTrustsTheCorporateCa() throws Exception {
        HttpsServer backend = backendId.httpsServer();
        backend.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"id\":\"tls-via-tunnel\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        backend.start();
        closer.add(() -> backend.stop(0));
        ConnectProxy proxy = closer.add(ConnectProxy.start(null, null));
        String url = "https://localhost:" + backend.getAddress().getPort() + "/v1";
        ProxyFixture p = closer.proxy(yaml("upstream_proxy: \"${PROXY}\"\ntls:\n  ca_files: [\"" + pki.caPem() + "\"]", ""),
                env(url, proxy, null), new TestClock(0));

        HttpResponse<String> r = p.post("/v1/chat/completions", CHAT);

        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("tls-via-tunnel"));
        assertEquals(List.of("localhost:" + backend.getAddress().getPort()), proxy.tunnels());
    }

    @Test
    void reloadAddingAnUpstreamProxy_sendsTheNextRequestThroughIt() throws Exception {
        MockUpstream up = closer.upstream(MockUpstream.chatOk("reloaded"));
        ConnectProxy proxy = closer.add(ConnectProxy.start(null, null));
        Map<String, String> env = env(up.url(), proxy, null);
        ProxyFixture p = closer.proxy(yaml("", ""), env, new TestClock(0));
        assertEquals(200, p.post("/v1/chat/completions", CHAT).statusCode());
        assertTrue(proxy.forwarded().isEmpty());

        p.gateway().apply(ProxyFixture.config(yaml("upstream_proxy: \"${PROXY}\"", ""), env));

        assertEquals(200, p.post("/v1/chat/completions", CHAT).statusCode());
        assertEquals(1, proxy.forwarded().size(), "the reload rebuilt the way out without a restart");
    }

    @Test
    void reloadAddingACaFile_makesTheCorporateBackendTrusted() throws Exception {
        HttpsServer backend = backendId.httpsServer();
        backend.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        backend.start();
        closer.add(() -> backend.stop(0));
        Map<String, String> env = Map.of("A", "https://localhost:" + backend.getAddress().getPort() + "/v1");
        ProxyFixture p = closer.proxy(yaml("", ""), env, new TestClock(0));
        assertEquals(502, p.post("/v1/chat/completions", CHAT).statusCode());

        p.gateway().apply(ProxyFixture.config(yaml("tls:\n  ca_files: [\"" + pki.caPem() + "\"]", ""), env));

        assertEquals(200, p.post("/v1/chat/completions", CHAT).statusCode());
    }
}
