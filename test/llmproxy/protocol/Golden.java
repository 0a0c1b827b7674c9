package llmproxy.protocol;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden fixtures under {@code test/llmproxy/protocol/golden}: {@code NAME.in.*} is what arrives,
 * {@code NAME.out.*} what must leave, compared exactly (JSON after compacting the pretty-printed
 * fixture, so member order and number text count). Running with {@code -Dgolden.write=DIR} (the source
 * fixture folder) rewrites the outputs instead, for review in the diff.
 */
final class Golden {
    private Golden() {
        throw new AssertionError();
    }

    static Path dir(String sub) {
        try {
            return Path.of(Golden.class.getResource("golden/" + sub).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The case names in a fixture folder: each {@code NAME.in.EXT}. */
    static Stream<String> cases(String sub) {
        try (Stream<Path> files = Files.list(dir(sub))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".in.")).map(n -> sub + "/" + n)
                    .sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(dir(".").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonValue json(String name) {
        try {
            return JsonParser.parse(read(name));
        } catch (JsonException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }

    static String outName(String inName) {
        return inName.replace(".in.", ".out.");
    }

    /** Asserts {@code actual} equals the expected JSON fixture (or rewrites it). */
    static void assertJson(String outName, byte[] actual) throws JsonException {
        JsonValue got = JsonParser.parse(actual);
        if (write(outName, pretty(got) + "\n")) {
            return;
        }
        assertEquals(pretty(json(outName)), pretty(got), outName);
        assertEquals(JsonWriter.write(json(outName)), new String(actual, StandardCharsets.UTF_8), outName);
    }

    static void assertText(String outName, String actual) {
        if (write(outName, actual)) {
            return;
        }
        assertEquals(new String(read(outName), StandardCharsets.UTF_8), actual, outName);
    }

    private static boolean write(String name, String content) {
        String dir = System.getProperty("golden.write");
        if (dir == null) {
            return false;
        }
        try {
            Files.writeString(Path.of(dir).resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    /** Two-space indented JSON, for readable fixtures and diffs. */
    static String pretty(JsonValue v) {
        StringBuilder sb = new StringBuilder();
        pretty(sb, v, 0);
        return sb.toString();
    }

    private static void pretty(StringBuilder sb, JsonValue v, int indent) {
        String pad = "  ".repeat(indent + 1);
        switch (v) {
            case JsonObject o when !o.members().isEmpty() -> {
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    sb.append(pad).append(JsonWriter.write(new JsonValue.JsonString(e.getKey()))).append(": ");
                    pretty(sb, e.getValue(), indent + 1);
                    sb.append(++i < o.members().size() ? ",\n" : "\n");
                }
                sb.append("  ".repeat(indent)).append('}');
            }
            case JsonArray a when !a.elements().isEmpty() -> {
                sb.append("[\n");
                List<JsonValue> els = a.elements();
                for (int i = 0; i < els.size(); i++) {
                    sb.append(pad);
                    pretty(sb, els.get(i), indent + 1);
                    sb.append(i + 1 < els.size() ? ",\n" : "\n");
                }
                sb.append("  ".repeat(indent)).append(']');
            }
            default -> sb.append(JsonWriter.write(v));
        }
    }
}
