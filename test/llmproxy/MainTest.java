package llmproxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: -check, -version, -h and the exit codes. */
class MainTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    static final String VALID = """
            listen: "127.0.0.1:0"
            proxy_api_key: "sk-proxy-secret-check-0123456789"
            backends:
              - name: openai
                url: "https://api.openai.com/v1"
                api_key: "sk-backend-secret-check-987654321"
            models:
              "gpt-4o":
                routes:
                  - backend: openai
                    model: "gpt-4o-2024"
                    priority: 1
              "mini":
                routes:
                  - backend: openai
                    model: "gpt-4o-mini"
            fallback:
              alias_fallback:
                "gpt-4o": ["mini"]
            """;

    @Test
    void check_validConfig_printsSummaryWithoutSecretsAndExitsZero() throws IOException {
        Path cfg = write("config.yaml", VALID);

        Run r = run("-check", "-config", cfg.toString());

        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("openai"), r.out());
        assertTrue(r.out().contains("gpt-4o-2024"), r.out());
        assertTrue(r.out().contains("mini"), r.out());
        assertTrue(r.out().contains("config OK"), r.out());
        assertFalse(r.out().contains("sk-proxy-secret-check") || r.out().contains("sk-backend-secret-check"), r.out());
    }

    @Test
    void check_invalidConfig_listsEveryProblemAndExitsOne() throws IOException {
        Path cfg = write("bad.yaml", """
                listen: "nope:port"
                backends:
                  - name: openai
                    url: "api.openai.com/v1"
                models:
                  "gpt-4o":
                    routes:
                      - backend: openia
                        model: "gpt-4o"
                """);

        Run r = run("-check", "-config=" + cfg);

        assertEquals(1, r.code());
        assertTrue(r.err().contains("backends[0].url (line 4)"), r.err());
        assertTrue(r.err().contains("models.gpt-4o.routes[0].backend (line 8): unknown backend \"openia\""), r.err());
        assertTrue(r.err().contains("listen (line 1)"), r.err());
    }

    @Test
    void check_invalidConfig_alsoPrintsTheWarnings() throws IOException {
        Path cfg = write("both.yaml", VALID.replace("listen: \"127.0.0.1:0\"", "listen: \"nope\"")
                + "loging:\n  level: debug\n");

        Run r = run("-check", "-config", cfg.toString());

        assertEquals(1, r.code());
        assertTrue(r.err().contains("listen (line 1)"), r.err());
        assertTrue(r.err().contains("warnings: 1\n  loging (line 20): unknown key \"loging\" (did you mean \"logging\"?); ignored"),
                r.err());
    }

    @Test
    void check_placeholderKeys_areWarnings() throws IOException {
        Path cfg = write("config.yaml", VALID.replace("sk-proxy-secret-check-0123456789", "sk-proxy-placeholder-change-me")
                .replace("sk-backend-secret-check-987654321", "sk-placeholder-openai"));

        Run r = run("-check", "-config", cfg.toString());

        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("warnings   2\n"
                + "  proxy_api_key (line 2): still holds a placeholder from config.example.yaml; replace it with the real key\n"
                + "  backends[0].api_key (line 6): still holds a placeholder from config.example.yaml; replace it with the real key\n"),
                r.out());
    }

    @Test
    void yamlSyntaxError_namesFileLineAndColumn() throws IOException {
        Path cfg = write("tabs.yaml", "backends:\n\t- name: x\n");

        Run r = run("--config", cfg.toString(), "-check");

        assertEquals(1, r.code());
        assertTrue(r.err().contains(cfg + ":2:1"), r.err());
    }

    @Test
    void missingConfigFile_exitsOneWithOneClearLine() {
        Run r = run("-config", dir.resolve("absent.yaml").toString());

        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("llm-proxy: invalid config: "), r.err());
        assertTrue(r.err().contains("absent.yaml"), r.err());
    }

    @Test
    void version_printsVersionAndExitsZero() {
        Run r = run("-version");

        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("llm-proxy " + Main.VERSION), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-h", "--help", "-help"})
    void help_printsUsageAndExitsZero(String flag) {
        Run r = run(flag);

        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("usage: java -jar llm-proxy.jar"), r.out());
    }

    @Test
    void demo_withConfigOrCheck_isBadUsage() {
        for (String[] args : new String[][] {{"-demo", "-config", "x.yaml"}, {"-check", "-demo"}}) {
            Run r = run(args);

            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("llm-proxy: -demo runs its built-in configuration; it takes no -config or -check"),
                    r.err());
        }
    }

    @Test
    void help_mentionsTheDemo() {
        assertTrue(run("-h").out().contains("-demo "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-bogus", "stray", "-config", "-check=yes", "--"})
    void badUsage_exitsTwoWithUsage(String arg) {
        Run r = run(arg);

        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("llm-proxy: "), r.err());
        assertTrue(r.err().contains("usage:"), r.err());
    }
}
