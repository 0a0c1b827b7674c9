package llmproxy.config;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every provider-cookbook snippet of the README, kept as a file in {@code cookbook/}: each loads the way
 * {@code -check} loads it (ConfigLoader, then ConfigSummary) with no error and no warning, shows the auth
 * style the provider wants, and appears verbatim in README.md.
 */
class CookbookTest {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** The auth line -check must print for the first backend of each snippet. */
    private static final Map<String, String> FIRST_AUTH = Map.of(
            "openai.yaml", "auth bearer; headers OpenAI-Organization;",
            "azure-openai-deployments.yaml", "auth api-key;",
            "azure-openai-v1.yaml", "auth api-key;",
            "anthropic.yaml", "auth x-api-key;",
            "gemini-openai-compatible.yaml", "auth bearer;",
            "openrouter.yaml", "auth bearer; headers HTTP-Referer, X-Title;",
            "local-vllm-ollama.yaml", "auth none;",
            "egress-proxy.yaml", "auth bearer; via http://user-value:****@proxy.corp.example:3128 (upstream_proxy)");

    @TestFactory
    Stream<DynamicTest> everySnippet_passesCheck_withoutWarnings_andIsInTheReadme() throws IOException, URISyntaxException {
        Path dir = Path.of(CookbookTest.class.getResource("cookbook").toURI());
        String readme = Files.readString(Path.of("README.md"));
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                String text = Files.readString(f);
                Map<String, String> env = VAR.matcher(text).results().map(m -> m.group(1)).distinct()
                        .collect(Collectors.toMap(Function.identity(), n -> n.equals("PROXY_USER") ? "user-value"
                                : n.toLowerCase() + "-value"));
                Config c = new ConfigLoader(env).load(f);
                assertEquals("[]", c.warnings().toString(), f.toString());
                String summary = ConfigSummary.format(c);
                String expected = FIRST_AUTH.get(f.getFileName().toString());
                assertTrue(expected != null, "add " + f.getFileName() + " to FIRST_AUTH");
                assertTrue(summary.contains("\n    " + expected), summary);
                assertTrue(readme.contains(text), f.getFileName() + " is not verbatim in README.md");
                Matcher m = VAR.matcher(text);
                assertTrue(m.find(), "snippets take keys from the environment, never inline");
            }));
        }
    }
}
