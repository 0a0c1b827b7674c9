package llmproxy.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-backend auth, headers, timeouts, proxy and protocol; the egress proxy settings; ${file:PATH}. */
class BackendReachConfigTest {
    @TempDir
    Path dir;

    static Config load(String yaml) throws ConfigException {
        return load(yaml, Map.of());
    }

    static Config load(String yaml, Map<String, String> env) throws ConfigException {
        return new ConfigLoader(env).parse(yaml, Path.of("config.yaml"));
    }

    static String errors(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).getMessage();
    }

    static String backend(String url, String extra) {
        return """
                backends:
                  - name: b
                    url: "%s"
                    api_key: sk-backend
                %s
                """.formatted(url, extra.indent(4));
    }

    @Test
    void auth_acceptsEveryForm() throws ConfigException {
        Map<String, AuthStyle> forms = Map.of("auto", AuthStyle.AUTO, "bearer", AuthStyle.BEARER,
                "x-api-key", AuthStyle.X_API_KEY, "api-key", AuthStyle.API_KEY,
                "x-goog-api-key", new AuthStyle.Header("x-goog-api-key"), "header:X-My-Key", new AuthStyle.Header("X-My-Key"),
                "query:key", new AuthStyle.Query("key"), "none", AuthStyle.NONE);
        for (Map.Entry<String, AuthStyle> f : forms.entrySet()) {
            assertEquals(f.getValue(), load(backend("https://h.test", "auth: \"" + f.getKey() + "\"")).backends().get(0).auth(),
                    f.getKey());
        }
    }

    @Test
    void auth_unknownForm_isAnErrorListingTheForms() {
        String e = errors(backend("https://h.test", "auth: basic"));
        assertTrue(e.contains("backends[0].auth (line 5): must be one of auto, bearer, x-api-key, api-key, x-goog-api-key,"
                + " header:NAME, query:NAME or none, got \"basic\""), e);
        assertTrue(errors(backend("https://h.test", "auth: \"header:bad name\"")).contains("backends[0].auth"));
    }

    @Test
    void effectiveAuth_auto_picksByHost_andAnExplicitStyleWins() throws ConfigException {
        Map<String, AuthStyle> byHost = Map.of(
                "https://api.anthropic.com/v1", AuthStyle.X_API_KEY,
                "https://myres.openai.azure.com/openai/deployments/gpt4o?api-version=2024-10-21", AuthStyle.API_KEY,
                "https://myres.cognitiveservices.azure.com/openai/v1", AuthStyle.API_KEY,
                "https://myres.services.ai.azure.com/models", AuthStyle.API_KEY,
                "https://api.openai.com/v1", AuthStyle.CLIENT,
                "https://openai.azure.com.evil.test/v1", AuthStyle.CLIENT);
        for (Map.Entry<String, AuthStyle> e : byHost.entrySet()) {
            assertEquals(e.getValue(), load(backend(e.getKey(), "")).backends().get(0).effectiveAuth(), e.getKey());
        }
        assertEquals(AuthStyle.BEARER, load(backend("https://api.anthropic.com/v1", "auth: bearer")).backends().get(0)
                .effectiveAuth());
    }

    @Test
    void headers_keepOrder_andSecretLookingValuesAreSecrets() throws ConfigException {
        Config c = load(backend("https://openrouter.ai/api/v1", """
                headers:
                  HTTP-Referer: "https://example.com"
                  X-Title: "My App"
                  X-Upstream-Token: "tok-0123456789"
                  OpenAI-Organization: "org-123"
                """));
        Backend b = c.backends().get(0);
        assertEquals(List.of("HTTP-Referer", "X-Title", "X-Upstream-Token", "OpenAI-Organization"),
                List.copyOf(b.headers().keySet()));
        assertEquals(List.of(Secret.of("tok-0123456789")), b.secretHeaders());
        assertTrue(c.secrets().contains(Secret.of("tok-0123456789")));
        assertFalse(c.secrets().contains(Secret.of("org-123")));
        assertFalse(b.toString().contains("tok-0123456789"), b.toString());
    }

    @Test
    void headers_thatTheClientManagesOrThatBreakFraming_areErrors() {
        String e = errors(backend("https://h.test", """
                headers:
                  Host: "other.test"
                  "Bad Name": x
                  X-Ok: "${NL}"
                  x-dup: a
                  X-Dup: b
                """).replace("${NL}", "line\\nbreak"));
        assertTrue(e.contains("backends[0].headers.Host (line 6): cannot be set"), e);
        assertTrue(e.contains("is not a valid header name"), e);
        assertTrue(e.contains("X-Dup (line 10): repeats header \"x-dup\""), e);
    }

    @Test
    void headerValueWithALineBreak_isAnError() {
        String e = assertThrows(ConfigException.class, () -> load(backend("https://h.test", "headers:\n  X-A: \"${V}\""),
                Map.of("V", "a\r\nInjected: yes"))).getMessage();
        assertTrue(e.contains("must not contain line breaks"), e);
    }

    @Test
    void timeouts_overrideTheGlobalOnesKeyByKey_andAcceptFirstTokenSeconds() throws ConfigException {
        Config c = load("""
                timeouts: {connect_seconds: 7, response_header_seconds: 70, stream_idle_seconds: 77}
                """ + backend("https://h.test", "timeouts: {connect_seconds: 2, stream_idle_seconds: 20, first_token_seconds: 9}"));
        Backend b = c.backends().get(0);
        assertEquals(new Timeouts(2, 70, 20, 9, 0), b.timeouts(c.timeouts()));
        assertEquals(9, b.timeouts().firstTokenSeconds());
        assertEquals(new Timeouts(7, 70, 77, 0, 0), new Backend("x", URI.create("http://x"), Secret.NONE, true).timeouts(c.timeouts()));
        assertTrue(errors(backend("https://h.test", "timeouts: {connect_seconds: 0}"))
                .contains("backends[0].timeouts.connect_seconds (line 5): must be at least 1"));
    }

    @Test
    void protocol_isOpenaiAnthropicOrAuto() throws ConfigException {
        assertEquals(BackendProtocol.AUTO, load(backend("https://h.test", "")).backends().get(0).protocol());
        assertEquals(BackendProtocol.ANTHROPIC, load(backend("https://h.test", "protocol: anthropic")).backends().get(0).protocol());
        assertTrue(errors(backend("https://h.test", "protocol: grpc"))
                .contains("backends[0].protocol (line 5): must be openai, anthropic or auto, got \"grpc\""));
    }

    @Test
    void urlWithCredentials_isAnError_pointingToApiKey() {
        assertTrue(errors(backend("https://user:pw@h.test/v1", "")).contains("credentials in the URL are not sent; use api_key or headers"));
    }

    @Test
    void backendProxy_isAUrlOrNone() throws ConfigException {
        Config c = load("upstream_proxy: \"http://corp:3128\"\n" + backend("https://h.test", "proxy: none")
                + "  - name: c\n    url: https://c.test\n    proxy: \"http://u:p%40ss@other:8080\"\n");
        assertNull(c.network().proxyFor(c.backends().get(0)));
        ProxyAddress other = c.network().proxyFor(c.backends().get(1));
        assertEquals(new ProxyAddress("other", 8080, "u", Secret.of("p@ss")), other);
        assertEquals("direct (backend proxy: none)", c.network().describeProxy(c.backends().get(0)));
        assertTrue(errors(backend("https://h.test", "proxy: \"socks5://h:1080\"")).contains("only http:// proxies"));
        assertTrue(errors(backend("https://h.test", "proxy: \"http://h\"")).contains("with a host and a port"));
    }

    @Test
    void upstreamProxy_fromTheEnvironment_whenTheConfigSetsNone() throws ConfigException {
        Map<String, String> env = new HashMap<>();
        env.put("HTTPS_PROXY", "http://upper:3128");
        env.put("https_proxy", "http://lower:3128");
        env.put("HTTP_PROXY", "plain:8080");
        env.put("NO_PROXY", ".corp, internal.test,10.0.0.0/8");
        Config c = load("""
                backends:
                  - {name: s, url: "https://api.openai.com/v1"}
                  - {name: p, url: "http://models.example/v1"}
                  - {name: corp, url: "https://llm.corp/v1"}
                  - {name: sub, url: "https://a.internal.test/v1"}
                  - {name: net, url: "http://10.1.2.3:8000/v1"}
                  - {name: local, url: "http://127.0.0.1:11434/v1"}
                  - {name: localhost, url: "http://localhost:11434/v1"}
                """, env);
        Network n = c.network();
        assertEquals("environment", n.source());
        assertEquals("lower", n.proxyFor(c.backend("s")).host(), "lower case wins, as in curl");
        assertEquals("plain", n.proxyFor(c.backend("p")).host());
        for (String direct : List.of("corp", "sub", "net", "local", "localhost")) {
            assertNull(n.proxyFor(c.backend(direct)), direct);
        }
        assertEquals("via http://lower:3128 (environment)", n.describeProxy(c.backend("s")));
        assertEquals("direct (no_proxy)", n.describeProxy(c.backend("corp")));
    }

    @Test
    void configuredUpstreamProxy_winsOverTheEnvironment_andNoneIgnoresIt() throws ConfigException {
        Map<String, String> env = Map.of("HTTPS_PROXY", "http://env:3128");
        String backends = "backends:\n  - {name: s, url: \"https://api.openai.com/v1\"}\n";
        Config configured = load("upstream_proxy: \"http://conf:3128\"\n" + backends, env);
        assertEquals("conf", configured.network().proxyFor(configured.backend("s")).host());
        assertEquals("via http://conf:3128 (upstream_proxy)", configured.network().describeProxy(configured.backend("s")));
        Config none = load("upstream_proxy: none\n" + backends, env);
        assertNull(none.network().proxyFor(none.backend("s")));
        assertEquals("direct", none.network().describeProxy(none.backend("s")));
    }

    @Test
    void badProxyInTheEnvironment_isAWarning_notAnError() throws ConfigException {
        Config c = load("backends:\n  - {name: s, url: \"https://h.test\"}\n", Map.of("HTTPS_PROXY", "socks5://x:1"));
        assertNull(c.network().httpsProxy());
        assertTrue(c.warnings().toString().contains("environment variable HTTPS_PROXY ignored"), c.warnings().toString());
    }

    @Test
    void noProxy_matchesHostsSuffixesCidrsAndStar() {
        NoProxy n = new NoProxy(List.of("example.com", ".corp", "*.svc", "10.0.0.0/8", "::1", "fd00::/8"));
        assertTrue(n.bypasses("example.com"));
        assertTrue(n.bypasses("api.example.com"));
        assertFalse(n.bypasses("notexample.com"));
        assertTrue(n.bypasses("llm.corp"));
        assertTrue(n.bypasses("x.svc"));
        assertTrue(n.bypasses("10.200.0.1"));
        assertFalse(n.bypasses("11.0.0.1"));
        assertTrue(n.bypasses("[::1]"));
        assertTrue(n.bypasses("[fd12::5]"));
        assertFalse(n.bypasses("[fe80::1]"));
        assertTrue(new NoProxy(List.of("*")).bypasses("anything.test"));
        assertTrue(errors("no_proxy: [\"10.0.0.0/40\"]\n" + backend("https://h.test", "")).contains("no_proxy[0]"));
    }

    @Test
    void noProxy_entriesWithAPort_nameTheirHost() {
        NoProxy n = NoProxy.parseList("vllm.internal:8000, 10.1.2.3:443, [fd00::7]:8080, ::2");
        assertTrue(n.bypasses("vllm.internal"));
        assertTrue(n.bypasses("10.1.2.3"));
        assertTrue(n.bypasses("[fd00::7]"));
        assertTrue(n.bypasses("[::2]"), "a bare IPv6 literal keeps its last group");
        assertFalse(n.bypasses("vllm.external"));
    }

    @Test
    void fileReference_isTheFileMinusOneTrailingNewline_andIsRemembered() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "sk-from-file\n\n");
        Path crlf = Files.writeString(dir.resolve("crlf"), "tok\r\n");
        Config c = load(backend("https://h.test", "headers:\n  X-Token: \"${file:" + crlf + "}\"")
                .replace("sk-backend", "\"${file:" + key + "}\""));
        // One trailing newline is the file's; the other is stray whitespace, trimmed with a warning.
        assertEquals("sk-from-file", c.backends().get(0).apiKey().value());
        assertEquals("tok", c.backends().get(0).headers().get("X-Token"));
        assertEquals(List.of(key, crlf), c.files());
    }

    @Test
    void fileReference_toAMissingFile_isALoadErrorNamingIt() {
        Path missing = dir.resolve("nope/key");
        String e = errors(backend("https://h.test", "").replace("sk-backend", "\"${file:" + missing + "}\""));
        assertTrue(e.contains("backends[0].api_key (line 4): file " + missing + " not found"), e);
    }

    @Test
    void caFiles_areLoaded_andABadOneIsALoadErrorNamingIt() throws Exception {
        Path junk = Files.writeString(dir.resolve("corp.pem"), "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n");
        String e = errors("tls:\n  ca_files: [\"" + junk + "\", \"" + dir.resolve("missing.pem") + "\"]\n"
                + backend("https://h.test", ""));
        assertTrue(e.contains("tls.ca_files[0] (line 2): CA file " + junk + " is not a valid PEM certificate file"), e);
        assertTrue(e.contains("tls.ca_files[1] (line 2): CA file " + dir.resolve("missing.pem") + " cannot be read (not found)"), e);
    }

    @Test
    void checkSummary_showsEffectiveAuthAndProxyPerBackend() throws ConfigException {
        Config c = load("""
                upstream_proxy: "http://proxyuser:proxy-secret@proxy.corp:3128"
                no_proxy: [".internal"]
                backends:
                  - name: azure
                    url: "https://myres.openai.azure.com/openai/v1"
                    api_key: k
                  - name: gemini
                    url: "https://generativelanguage.googleapis.com/v1beta/openai"
                    auth: bearer
                    proxy: none
                  - name: local
                    url: "http://vllm.internal:8000/v1"
                    headers: {X-Title: demo}
                """);
        String s = ConfigSummary.format(c);
        assertTrue(s.contains("    auth api-key (auto); via http://proxyuser:****@proxy.corp:3128 (upstream_proxy)\n"), s);
        assertTrue(s.contains("    auth bearer; direct (backend proxy: none)\n"), s);
        assertTrue(s.contains("    auth client's style (auto); headers X-Title; direct (no_proxy)\n"), s);
        assertTrue(s.contains("egress     upstream_proxy http://proxyuser:****@proxy.corp:3128; no_proxy .internal\n"), s);
        assertFalse(s.contains("proxy-secret"), s);
    }
}
