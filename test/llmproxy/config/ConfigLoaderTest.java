package llmproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    static final Path FILE = Path.of("config.yaml");

    /** A valid config without warnings; tests append sections starting at line 12. */
    static final String BASE = """
            proxy_api_key: k
            backends:
              - name: openai
                url: https://api.openai.com/v1
              - name: azure
                url: https://azure.example/v1
            models:
              gpt-4o:
                routes:
                  - backend: openai
                    model: gpt-4o
            """;

    private final Map<String, String> env = new HashMap<>();

    private Config load(String yaml) throws ConfigException {
        return new ConfigLoader(env).parse(yaml, FILE);
    }

    private List<String> errors(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(yaml));
        return e.problems().stream().map(Problem::toString).toList();
    }

    private List<String> warnings(String yaml) throws ConfigException {
        return load(yaml).warnings().stream().map(Problem::toString).toList();
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(ConfigLoaderTest.class.getResource(name).toURI());
    }

    // --- whole files -------------------------------------------------------------------------

    @Test
    void originalReadmeConfig_loadsWithItsValues() throws Exception {
        Config c = new ConfigLoader(Map.of()).load(fixture("original-readme.yaml"));
        assertEquals(":8080", c.listen());
        assertTrue(c.proxyApiKey().matches("sk-your-unified-api-key"));
        assertEquals(List.of(
                new Backend("provider-a", URI.create("https://api.provider-a.com/v1"), Secret.of("sk-real-api-key-a"), true),
                new Backend("provider-b", URI.create("https://api.provider-b.com/v1"), Secret.of("sk-real-api-key-b"), false)),
                c.backends());
        assertEquals(List.of("anthropic/claude-opus-4-5", "anthropic/claude-sonnet-4-5"), List.copyOf(c.models().keySet()));
        assertEquals(new ModelAlias("anthropic/claude-opus-4-5", true, List.of(
                new Route("provider-a", "claude-opus-4-5", 1, true), new Route("provider-b", "claude-opus-4-5", 2, true))),
                c.models().get("anthropic/claude-opus-4-5"));
        assertEquals(new Fallback(300, 3, Map.of("anthropic/claude-opus-4-5", List.of("anthropic/claude-sonnet-4-5"))),
                c.fallback());
        assertEquals(new Detection(List.of("4xx", "5xx"), List.of("insufficient_quota", "rate_limit", "exceeded", "billing", "quota")),
                c.detection());
        assertEquals(new LogSettings("info", "./logs/proxy.log", false, "./logs/requests", "./logs/errors", true, false, 100, 30, 4096),
                c.logging());
        assertEquals(List.of(
                "fallback.alias_fallback.anthropic/claude-opus-4-5[1] (line 46): unknown alias \"google/gemini-3-pro-preview\" (skipped until it is defined)",
                "fallback.alias_fallback.anthropic/claude-sonnet-4-5[0] (line 48): unknown alias \"google/gemini-3-pro-preview\" (skipped until it is defined)"),
                c.warnings().stream().map(Problem::toString).toList());
    }

    @Test
    void originalChineseReadmeConfig_loadsTheSameAsTheEnglishOne() throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of());
        assertEquals(loader.load(fixture("original-readme.yaml")), loader.load(fixture("original-readme-zh.yaml")));
    }

    @Test
    void originalConfigExample_loadsWithDisabledParts() throws Exception {
        Config c = new ConfigLoader(Map.of()).load(fixture("original-config.example.yaml"));
        assertFalse(c.backend("secondary").enabled());
        assertFalse(c.models().get("openai/gpt-4o").enabled());
        assertEquals(new Route("secondary", "claude-sonnet-4", 2, false), c.models().get("anthropic/claude-sonnet-4").routes().get(1));
        assertEquals(Map.of("anthropic/claude-sonnet-4", List.of("openai/gpt-4o")), c.fallback().aliasFallback());
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void originalDesignConfig_acceptsRoutesListedDirectlyUnderTheAlias() throws Exception {
        Config c = new ConfigLoader(Map.of()).load(fixture("original-design.yaml"));
        assertEquals(List.of(new Route("oocc", "claude-opus-4", 1, true), new Route("minimax", "abab6.5-chat", 2, true),
                new Route("x-aio", "claude-latest", 3, true)), c.models().get("claude-opus").routes());
        assertEquals(List.of("402", "429", "500", "502", "503", "504"), c.detection().errorCodes());
        assertEquals("debug", c.logging().level());
        assertFalse(c.backend("x-aio").apiKey().isSet());
    }

    @Test
    void projectConfigExample_loadsWithoutEnvironment_warningOnlyAboutItsPlaceholderKeys() throws ConfigException {
        Config c = new ConfigLoader(Map.of()).load(Path.of("config.example.yaml"));
        assertEquals(List.of(
                "proxy_api_key (line 18): still holds a placeholder from config.example.yaml; set PROXY_API_KEY to the real key",
                "backends[0].api_key (line 24): still holds a placeholder from config.example.yaml; set OPENAI_API_KEY to the real key",
                "backends[1].api_key (line 29): still holds a placeholder from config.example.yaml; set ANTHROPIC_API_KEY to the real key",
                "backends[2].api_key (line 33): still holds a placeholder from config.example.yaml; set OPENROUTER_API_KEY to the real key"),
                c.warnings().stream().map(Problem::toString).toList());
        assertEquals(List.of("openai", "anthropic", "openrouter", "local-vllm"), c.backends().stream().map(Backend::name).toList());
        assertEquals(URI.create("https://openrouter.ai/api/v1"), c.backend("openrouter").url());
        assertEquals(URI.create("http://127.0.0.1:8000/v1"), c.backend("local-vllm").url());
        assertTrue(c.backend("openai").apiKey().matches("sk-placeholder-openai"));
        assertEquals(Timeouts.defaults(), c.timeouts());
        assertEquals(ServerSettings.defaults(), c.server());
    }

    @Test
    void projectConfigExample_takesKeysFromTheEnvironment() throws ConfigException {
        Config c = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-real", "VLLM_URL", "http://gpu-box:9000/v1/"))
                .load(Path.of("config.example.yaml"));
        assertTrue(c.backend("openai").apiKey().matches("sk-real"));
        assertEquals(URI.create("http://gpu-box:9000/v1"), c.backend("local-vllm").url());
    }

    @Test
    void projectConfigExample_withEveryKeyFromTheEnvironment_hasNoWarnings() throws ConfigException {
        Config c = new ConfigLoader(Map.of("PROXY_API_KEY", "sk-proxy-real", "OPENAI_API_KEY", "sk-real",
                "ANTHROPIC_API_KEY", "sk-ant-real", "OPENROUTER_API_KEY", "sk-or-real"))
                .load(Path.of("config.example.yaml"));
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void crlfAndBom_loadLikeUnixText() throws ConfigException {
        Config unix = load(BASE);
        assertEquals(unix, load("\uFEFF" + BASE.replace("\n", "\r\n")));
    }

    // --- defaults ---------------------------------------------------------------------------

    @Test
    void nearlyEmptyFile_getsEveryDefault() throws ConfigException {
        Config c = load("# nothing yet\nmodels:\n");
        assertEquals(":8080", c.listen());
        assertEquals(ServerSettings.defaults(), c.server());
        assertEquals(List.of(), c.backends());
        assertEquals(Fallback.defaults(), c.fallback());
        assertEquals(Detection.defaults(), c.detection());
        assertEquals(LogSettings.defaults(), c.logging());
        assertEquals(Timeouts.defaults(), c.timeouts());
        assertEquals(List.of(
                "proxy_api_key: not set; authentication is off, so anyone who can reach the proxy can use it",
                "models (line 2): no model aliases defined; every request will be rejected"),
                c.warnings().stream().map(Problem::toString).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "   \n\t\n", "# only a comment\n  # and another\n", "\uFEFF", "---\n"})
    void emptyFile_isAnError_becauseItsDefaultsWouldTurnAuthenticationOff(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(text));
        assertEquals("config.yaml: the config file is empty (nothing but whitespace or comments)", e.getMessage());
    }

    @Test
    void omittedFlagsAndPriority_defaultToEnabledAndZero() throws ConfigException {
        Config c = load(BASE);
        assertTrue(c.backend("openai").enabled());
        assertEquals(new ModelAlias("gpt-4o", true, List.of(new Route("openai", "gpt-4o", 0, true))), c.models().get("gpt-4o"));
        assertEquals(LogSettings.defaults(), c.logging());
        assertEquals("", c.logging().generalFile());
    }

    @Test
    void errorCodes_absentMeansDefault_emptyListMeansNone() throws ConfigException {
        assertEquals(List.of("429", "5xx"), load(BASE + "detection:\n  error_patterns: [x]\n").detection().errorCodes());
        assertEquals(List.of(), load(BASE + "detection:\n  error_codes: []\n").detection().errorCodes());
    }

    @Test
    void errorCodes_acceptNumbersAndClassesInEitherCase() throws ConfigException {
        assertEquals(List.of("402", "5xx", "429", "4xx"),
                load(BASE + "detection:\n  error_codes: [402, \"5XX\", '429', 4xx]\n").detection().errorCodes());
    }

    @Test
    void backendUrl_losesOneTrailingSlash() throws ConfigException {
        Config c = load(BASE.replace("https://api.openai.com/v1", "https://api.openai.com/v1/"));
        assertEquals(URI.create("https://api.openai.com/v1"), c.backend("openai").url());
    }

    @Test
    void newOptionalSections_areRead() throws ConfigException {
        Config c = load(BASE + """
                timeouts:
                  connect_seconds: 5
                  response_header_seconds: 60
                  stream_idle_seconds: 90
                server:
                  max_body_mb: 8
                  max_concurrent: 100
                  read_timeout_seconds: 10
                  idle_timeout_seconds: 20
                  shutdown_grace_seconds: 0
                  max_connections: 500
                logging:
                  max_files: 3
                  max_body_log_bytes: 0
                """);
        assertEquals(new Timeouts(5, 60, 90, 0, 0), c.timeouts());
        assertEquals(new ServerSettings("", 8080, 8, 100, 10, 20, 0, 500, 60), c.server());
        assertEquals(3, c.logging().maxFiles());
        assertEquals(0, c.logging().maxBodyLogBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "':8080'          | ''          | 8080",
            "8080             | ''          | 8080",
            "'127.0.0.1:8080' | 127.0.0.1   | 8080",
            "'0.0.0.0:9000'   | 0.0.0.0     | 9000",
            "'\"[::1]:8080\"' | ::1         | 8080",
            "'localhost:8080' | localhost   | 8080",
            "':0'             | ''          | 0",
            "':65535'         | ''          | 65535"})
    void listen_acceptsHostPortForms(String listen, String host, int port) throws ConfigException {
        Config c = load("listen: " + listen + "\n" + BASE);
        assertEquals(host, c.server().host());
        assertEquals(port, c.server().port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", ":99999", "host:", "1.2.3.4", "::1:8080", "http://x:80", ":-1", "[::1]8080", "a b:80", "''"})
    void listen_rejectsMalformedValues(String listen) {
        String shown = listen.equals("''") ? "" : listen;
        assertEquals(List.of("listen (line 1): must be [host]:port with a port from 0 to 65535 (e.g. \":8080\" or \"127.0.0.1:8080\"), got \""
                + shown + "\""), errors("listen: \"" + shown + "\"\n" + BASE));
    }

    // --- one test per validation message ------------------------------------------------------

    @Test
    void backendWithoutName_isRequired() {
        assertEquals(List.of("backends[2].name (line 7): is required"),
                errors(BASE.replace("models:", "  - url: https://x.example\nmodels:")));
    }

    @Test
    void backendWithEmptyNameAndUrl_isRequired() {
        assertEquals(List.of("backends[2].name (line 7): is required", "backends[2].url (line 8): is required"),
                errors(BASE.replace("models:", "  - name: \"\"\n    url:\nmodels:")));
    }

    @Test
    void backendUrlWithoutScheme_mustBeAbsoluteHttp() {
        assertEquals(List.of("backends[2].url (line 8): must be an absolute http(s) URL, got \"api.openai.com/v1\""),
                errors(BASE.replace("models:", "  - name: third\n    url: api.openai.com/v1\nmodels:")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://files.example/v1", "http://", "https:///v1", "mailto:a@b.c", "http://a b/"})
    void backendUrlThatIsNotHttpWithHost_isRejected(String url) {
        assertEquals(List.of("backends[0].url (line 4): must be an absolute http(s) URL, got \"" + url + "\""),
                errors(BASE.replace("https://api.openai.com/v1", "\"" + url + "\"")));
    }

    @Test
    void duplicateBackendName_pointsAtTheFirst() {
        assertEquals(List.of("backends[1].name (line 5): duplicate backend name \"openai\" (first on line 3)"),
                errors(BASE.replace("name: azure", "name: openai")));
    }

    @Test
    void routeToUnknownBackend_listsTheKnownOnes() {
        assertEquals(List.of("models.gpt-4o.routes[0].backend (line 10): unknown backend \"openia\" (known: openai, azure)"),
                errors(BASE.replace("backend: openai", "backend: openia")));
    }

    @Test
    void routeWithoutBackendOrModel_isReportedForEach() {
        assertEquals(List.of("models.gpt-4o.routes[1].backend (line 12): is required",
                        "models.gpt-4o.routes[1].model (line 12): is required"),
                errors(BASE + "      - priority: 2\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "600", "99", "6xx", "0xx", "4x", "42x", "1000"})
    void errorCode_thatIsNotAStatusOrClass_isRejected(String code) {
        assertEquals(List.of("detection.error_codes[1] (line 13): must be a status code (100-599) or a class such as \"5xx\", got \""
                + code + "\""), errors(BASE + "detection:\n  error_codes: [429, \"" + code + "\"]\n"));
    }

    @Test
    void negativeNumbers_areRejected() {
        assertEquals(List.of("fallback.cooldown_seconds (line 8): must not be negative, got -1",
                        "models.gpt-4o.routes[1].priority (line 14): must not be negative, got -2"),
                errors(BASE.replace("models:", "fallback:\n  cooldown_seconds: -1\nmodels:")
                        + "      - {backend: azure, model: m, priority: -2}\n"));
    }

    @Test
    void zeroWhereAtLeastOneIsNeeded_isRejected() {
        assertEquals(List.of("server.max_body_mb (line 13): must be at least 1, got 0",
                        "timeouts.connect_seconds (line 15): must be at least 1, got 0"),
                errors(BASE + "server:\n  max_body_mb: 0\ntimeouts:\n  connect_seconds: 0\n"));
    }

    @Test
    void unknownLoggingLevel_listsTheLevels() {
        assertEquals(List.of("logging.level (line 13): must be one of debug, info, warn, error, got \"verbose\""),
                errors(BASE + "logging:\n  level: verbose\n"));
    }

    @Test
    void loggingLevel_isCaseInsensitive() throws ConfigException {
        assertEquals("warn", load(BASE + "logging:\n  level: WARN\n").logging().level());
    }

    @Test
    void maxRequestFiles_defaultsTo10000_isRead_andMustBeAtLeastOne() throws ConfigException {
        assertEquals(10_000, load(BASE).logging().maxRequestFiles());
        assertEquals(25, load(BASE + "logging:\n  max_request_files: 25\n").logging().maxRequestFiles());
        assertEquals(List.of("logging.max_request_files (line 13): must be at least 1, got 0"),
                errors(BASE + "logging:\n  max_request_files: 0\n"));
    }

    @Test
    void separateFilesWithoutDirectories_namesBoth() {
        assertEquals(List.of("logging.request_dir (line 13): is required when separate_files is true",
                        "logging.error_dir (line 14): is required when separate_files is true"),
                errors(BASE + "logging:\n  separate_files: true\n  error_dir: \"\"\n"));
    }

    @Test
    void listWhereMappingExpected_isAWrongType() {
        assertEquals(List.of("logging (line 12): must be a mapping, got a list"), errors(BASE + "logging: [a]\n"));
    }

    @Test
    void mappingWhereListExpected_isAWrongType() {
        assertEquals(List.of("backends (line 1): must be a list, got a mapping"),
                errors("backends:\n  openai: {url: https://x.example}\n"));
    }

    @Test
    void yesForBoolean_isAWrongType() {
        assertEquals(List.of("backends[0].enabled (line 5): must be true or false, got \"yes\""),
                errors(BASE.replace("url: https://api.openai.com/v1", "url: https://api.openai.com/v1\n    enabled: yes")));
    }

    @Test
    void textForInteger_isAWrongType() {
        assertEquals(List.of("fallback.max_retries (line 13): must be a whole number, got \"abc\""),
                errors(BASE + "fallback:\n  max_retries: abc\n"));
    }

    @Test
    void mappingForText_isAWrongType() {
        assertEquals(List.of("listen (line 1): must be a single value, got a mapping"), errors("listen: {a: 1}\n" + BASE));
    }

    @Test
    void rootThatIsNotAMapping_isRejected() {
        assertEquals(List.of("(root) (line 1): must be a mapping of sections (listen, backends, models, ...), got a list"),
                errors("- a\n- b\n"));
    }

    @Test
    void backendThatIsNotAMapping_isRejected() {
        assertEquals(List.of("backends[2] (line 7): must be a mapping with name and url, got a single value"),
                errors(BASE.replace("models:", "  - just-a-name\nmodels:")));
    }

    @Test
    void aliasThatIsNotAMappingOrList_isRejected() {
        assertEquals(List.of("models.broken (line 12): must be a mapping with routes: (or a list of routes), got a single value"),
                errors(BASE + "  broken: openai\n"));
    }

    @Test
    void routeThatIsNotAMapping_isRejected() {
        assertEquals(List.of("models.gpt-4o.routes[1] (line 12): must be a mapping with backend and model, got a single value"),
                errors(BASE + "      - openai\n"));
    }

    @Test
    void aliasNameWithDots_isQuotedInPaths() {
        assertEquals(List.of("models[\"gpt-4.1\"].routes[0].model (line 14): is required"),
                errors(BASE + "  gpt-4.1:\n    routes:\n      - backend: openai\n"));
    }

    @Test
    void everyProblem_isReportedAtOnceInFileOrder() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("""
                listen: nowhere
                backends:
                  - name: a
                    url: a.example
                logging:
                  level: loud
                """));
        assertEquals(FILE, e.file());
        assertEquals("""
                config.yaml: 3 problems
                  listen (line 1): must be [host]:port with a port from 0 to 65535 (e.g. ":8080" or "127.0.0.1:8080"), got "nowhere"
                  backends[0].url (line 4): must be an absolute http(s) URL, got "a.example"
                  logging.level (line 6): must be one of debug, info, warn, error, got "loud\"""", e.getMessage());
    }

    @Test
    void syntaxError_isOneLineWithFileLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(BASE + "fallback: &x\n"));
        assertEquals("config.yaml:12:11: anchors ('&') are not supported", e.getMessage());
    }

    // --- warnings ---------------------------------------------------------------------------

    @Test
    void misspelledKey_warnsWithTheClosestKnownKey() throws ConfigException {
        assertEquals(List.of("fallback.cooldown_second (line 13): unknown key \"cooldown_second\" (did you mean \"cooldown_seconds\"?); ignored"),
                warnings(BASE + "fallback:\n  cooldown_second: 30\n"));
    }

    @Test
    void misspelledSection_warnsWithTheClosestSection() throws ConfigException {
        assertEquals(List.of("loging (line 12): unknown key \"loging\" (did you mean \"logging\"?); ignored"),
                warnings(BASE + "loging:\n  level: debug\n"));
    }

    @Test
    void unknownKeyFarFromAnyKnownKey_warnsWithoutSuggestion() throws ConfigException {
        assertEquals(List.of("backends[0].colour (line 5): unknown key \"colour\"; ignored"),
                warnings(BASE.replace("url: https://api.openai.com/v1", "url: https://api.openai.com/v1\n    colour: red")));
    }

    @Test
    void unknownTopLevelSectionOfAnyType_isOnlyAWarning() throws ConfigException {
        assertEquals(List.of("extras (line 12): unknown key \"extras\"; ignored"), warnings(BASE + "extras: [1, {a: b}]\n"));
    }

    @Test
    void emptyProxyApiKey_warnsThatAuthenticationIsOff() throws ConfigException {
        assertEquals(List.of("proxy_api_key (line 1): not set; authentication is off, so anyone who can reach the proxy can use it"),
                warnings(BASE.replace("proxy_api_key: k", "proxy_api_key: \"\"")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sk-proxy-placeholder-change-me", "sk-placeholder-openai", "sk-ant-placeholder",
            "sk-or-placeholder", "CHANGE-ME", "my-Placeholder"})
    void placeholderKey_writtenLiterally_warnsToReplaceIt(String key) throws ConfigException {
        assertEquals(List.of(
                        "proxy_api_key (line 1): still holds a placeholder from config.example.yaml; replace it with the real key",
                        "backends[0].api_key (line 5): still holds a placeholder from config.example.yaml; replace it with the real key"),
                warnings(BASE.replace("proxy_api_key: k", "proxy_api_key: \"" + key + "\"")
                        .replace("url: https://api.openai.com/v1", "url: https://api.openai.com/v1\n    api_key: " + key)));
    }

    @Test
    void placeholderKey_fromAnEnvironmentDefault_namesTheVariableToSet() throws ConfigException {
        assertEquals(List.of("proxy_api_key (line 1): still holds a placeholder from config.example.yaml; set MY_KEY to the real key"),
                warnings(BASE.replace("proxy_api_key: k", "proxy_api_key: \"${MY_KEY:-change-me}\"")));
    }

    @Test
    void realKeyFromTheEnvironment_overridesThePlaceholderDefault_withoutWarning() throws ConfigException {
        env.put("MY_KEY", "sk-real-key");
        assertEquals(List.of(), warnings(BASE.replace("proxy_api_key: k", "proxy_api_key: \"${MY_KEY:-change-me}\"")));
    }

    @Test
    void warnings_areKeptBesideTheErrors_whenLoadingFails() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(BASE + "fallback:\n  cooldown_second: 30\n"
                + "logging:\n  level: loud\n"));
        assertEquals(List.of("logging.level (line 15): must be one of debug, info, warn, error, got \"loud\""),
                e.problems().stream().map(Problem::toString).toList());
        assertEquals(List.of("fallback.cooldown_second (line 13): unknown key \"cooldown_second\" (did you mean \"cooldown_seconds\"?); ignored"),
                e.warnings().stream().map(Problem::toString).toList());
    }

    @Test
    void aliasWhoseRoutesAreAllDisabled_warns() throws ConfigException {
        assertEquals(List.of("models.gpt-4o (line 8): has no usable route (each route or its backend is disabled); requests for it will fail"),
                warnings(BASE + "        enabled: false\n"));
    }

    @Test
    void aliasWhoseOnlyBackendIsDisabled_warns() throws ConfigException {
        assertEquals(List.of("models.gpt-4o (line 9): has no usable route (each route or its backend is disabled); requests for it will fail"),
                warnings(BASE.replace("url: https://api.openai.com/v1", "url: https://api.openai.com/v1\n    enabled: false")));
    }

    @Test
    void aliasWithoutRoutes_warns_butDisabledAliasDoesNot() throws ConfigException {
        assertEquals(List.of("models.empty (line 12): has no routes; requests for it will fail"), warnings(BASE + "  empty:\n"));
        assertEquals(List.of(), warnings(BASE + "  off:\n    enabled: false\n"));
    }

    @Test
    void aliasFallbackToUndefinedAlias_warnsAndIsSkipped() throws ConfigException {
        Config c = load(BASE + "  claude:\n    - {backend: azure, model: c}\nfallback:\n  alias_fallback:\n"
                + "    gpt-4o: [gemini, claude]\n");
        assertEquals(List.of("fallback.alias_fallback.gpt-4o[0] (line 16): unknown alias \"gemini\" (skipped until it is defined)"),
                c.warnings().stream().map(Problem::toString).toList());
        assertEquals(Map.of("gpt-4o", List.of("claude")), c.fallback().aliasFallback());
    }

    @Test
    void aliasFallbackFromUndefinedAlias_warnsAndIsIgnored() throws ConfigException {
        Config c = load(BASE + "fallback:\n  alias_fallback:\n    gtp-4o:\n      - gpt-4o\n");
        assertEquals(List.of("fallback.alias_fallback.gtp-4o (line 14): \"gtp-4o\" is not a defined model alias; chain ignored"),
                c.warnings().stream().map(Problem::toString).toList());
        assertEquals(Map.of(), c.fallback().aliasFallback());
    }

    @Test
    void aliasFallbackToItself_warnsAndIsSkipped() throws ConfigException {
        assertEquals(List.of("fallback.alias_fallback.gpt-4o[0] (line 14): an alias cannot fall back to itself; skipped"),
                warnings(BASE + "fallback:\n  alias_fallback:\n    gpt-4o: [gpt-4o]\n"));
    }

    // --- environment ------------------------------------------------------------------------

    @Test
    void envVariable_isSubstitutedInsideAnyValue() throws ConfigException {
        env.put("KEY", "sk-from-env");
        env.put("HOST", "api.openai.com");
        Config c = load(BASE.replace("proxy_api_key: k", "proxy_api_key: ${KEY}")
                .replace("https://api.openai.com/v1", "\"https://${HOST}/v1\""));
        assertTrue(c.proxyApiKey().matches("sk-from-env"));
        assertEquals(URI.create("https://api.openai.com/v1"), c.backend("openai").url());
    }

    @Test
    void envDefault_isUsedWhenUnsetOrEmpty() throws ConfigException {
        env.put("EMPTY", "");
        Config c = load("listen: \"${PORT:-9090}\"\n" + BASE + "fallback:\n  cooldown_seconds: ${EMPTY:-15}\n");
        assertEquals(9090, c.server().port());
        assertEquals(15, c.fallback().cooldownSeconds());
    }

    @Test
    void unsetEnvVariable_isAProblemNamingIt() {
        assertEquals(List.of("backends[0].api_key (line 3): environment variable OPENAI_API_KEY is not set"
                        + " (use ${OPENAI_API_KEY:-default} to give a default)"),
                errors(BASE.replace("- name: openai", "- api_key: ${OPENAI_API_KEY}\n    name: openai")));
    }

    @Test
    void setButEmptyEnvVariable_inAnyKey_isAnErrorNamingFieldLineAndVariable() {
        env.put("PKEY", "");
        env.put("OPENAI_KEY", "");
        assertEquals(List.of(
                "proxy_api_key (line 1): environment variable PKEY is set but empty (an empty key would turn"
                        + " authentication off; unset it or give the key a value)",
                "backends[0].api_key (line 3): environment variable OPENAI_KEY is set but empty (an empty key would"
                        + " turn authentication off; unset it or give the key a value)"),
                errors(BASE.replace("proxy_api_key: k", "proxy_api_key: ${PKEY}")
                        .replace("- name: openai", "- api_key: \"sk-${OPENAI_KEY}\"\n    name: openai")));
    }

    @Test
    void proxyKeyThatIsAnError_isNotAlsoWarnedAboutAsNotSet() {
        env.put("PKEY", "");
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(BASE.replace("proxy_api_key: k", "proxy_api_key: ${PKEY}")));
        assertEquals(List.of(), e.warnings().stream().map(Problem::toString).toList());
    }

    @Test
    void emptyEnvVariableWithADefault_inAKey_takesTheDefault() throws ConfigException {
        env.put("PKEY", "");
        Config c = load(BASE.replace("proxy_api_key: k", "proxy_api_key: ${PKEY:-sk-default-key}"));
        assertTrue(c.proxyApiKey().matches("sk-default-key"));
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void keyWithSurroundingWhitespace_isTrimmedWithAWarning() throws ConfigException {
        env.put("FROM_FILE", "sk-backend-key\n");
        Config c = load(BASE.replace("proxy_api_key: k", "proxy_api_key: \" sk-proxy-key\\t\"")
                .replace("- name: openai", "- api_key: ${FROM_FILE}\n    name: openai"));
        assertTrue(c.proxyApiKey().matches("sk-proxy-key"));
        assertTrue(c.backend("openai").apiKey().matches("sk-backend-key"));
        assertEquals(List.of("proxy_api_key (line 1): leading or trailing whitespace removed from the key",
                        "backends[0].api_key (line 3): leading or trailing whitespace removed from the key"),
                c.warnings().stream().map(Problem::toString).toList());
    }

    @Test
    void keyWithAControlCharacterInside_orOnlyWhitespace_isAnErrorThatDoesNotEchoTheKey() {
        env.put("BLANK", " \n");
        List<String> errors = errors(BASE.replace("proxy_api_key: k", "proxy_api_key: \"sk-secret\\npart\"")
                .replace("- name: openai", "- api_key: ${BLANK}\n    name: openai"));
        assertEquals(List.of("proxy_api_key (line 1): contains a control character (U+000A at position 10);"
                        + " a key must be printable text",
                "backends[0].api_key (line 3): is only whitespace"), errors);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://user:hunter2@api.example/v1", "http://hunter2@api.example", "HTTPS://u:hunter2@h:1/x@y",
            "https://user:hunter2@[bad"})
    void backendUrlWithUserinfo_isAnErrorThatDoesNotEchoThePassword(String url) {
        List<String> errors = errors(BASE.replace("https://azure.example/v1", "\"" + url + "\""));
        assertEquals(List.of("backends[1].url (line 6): must not contain user:password@; credentials in the URL are"
                + " not sent; use api_key or headers"), errors);
    }

    @Test
    void atSignInABackendUrlPathOrQuery_isNotUserinfo() throws ConfigException {
        Config c = load(BASE.replace("https://azure.example/v1", "\"https://azure.example/v1/@team?x=a@b\""));
        assertEquals("/v1/@team", c.backend("azure").url().getPath());
    }

    // --- files and secrets --------------------------------------------------------------------

    @Test
    void missingFile_isAClearConfigException(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(file));
        assertEquals(file + ": config file not found", e.getMessage());
    }

    @Test
    void invalidUtf8_isAClearConfigException(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("bad.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of()).load(file));
        assertEquals(file + ": config file is not valid UTF-8", e.getMessage());
    }

    @Test
    void toString_neverContainsASecret() throws ConfigException {
        Config c = load(BASE.replace("proxy_api_key: k", "proxy_api_key: sk-proxy-secret-1")
                .replace("- name: openai", "- api_key: sk-backend-secret-2\n    name: openai"));
        assertTrue(c.backend("openai").apiKey().matches("sk-backend-secret-2"));
        assertFalse(c.toString().contains("secret"), c.toString());
        assertFalse(c.backend("openai").toString().contains("secret"));
        assertTrue(c.toString().contains("<masked>"));
    }
}
