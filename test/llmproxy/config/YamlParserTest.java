package llmproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class YamlParserTest {
    private static final Path FILE = Path.of("test.yaml");

    /** Compact rendering: quoted scalars keep their quotes, an empty unquoted value is {@code <nothing>}. */
    static String render(YamlNode node) {
        return switch (node) {
            case YamlNode.Scalar s -> s.quoted() ? "\"" + s.value() + "\"" : s.value().isEmpty() ? "<nothing>" : s.value();
            case YamlNode.Sequence q -> q.items().stream().map(YamlParserTest::render).collect(Collectors.joining(", ", "[", "]"));
            case YamlNode.Mapping m -> m.entries().values().stream().map(e -> e.key() + ": " + render(e.value()))
                    .collect(Collectors.joining(", ", "{", "}"));
        };
    }

    private static YamlNode parse(String text) throws ConfigException {
        return new YamlParser(text, FILE).parse();
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                arguments("flat mapping", "a: 1\nb: two", "{a: 1, b: two}"),
                arguments("nested mapping", "a:\n  b:\n    c: x\n  d: y\ne: z", "{a: {b: {c: x}, d: y}, e: z}"),
                arguments("list of scalars", "l:\n  - a\n  - \"b\"", "{l: [a, \"b\"]}"),
                arguments("list of mappings", "l:\n  - name: x\n    url: y\n  - name: z", "{l: [{name: x, url: y}, {name: z}]}"),
                arguments("list at the key's column", "routes:\n- a\n- b\nnext: 1", "{routes: [a, b], next: 1}"),
                arguments("list of mappings at the key's column", "r:\n- b: 1\n  m: 2\n- b: 3\nx: y",
                        "{r: [{b: 1, m: 2}, {b: 3}], x: y}"),
                arguments("list in a list item's mapping at its column", "- routes:\n  - x\n  other: 1",
                        "[{routes: [x], other: 1}]"),
                arguments("flow list of strings", "c: [\"4xx\", \"5xx\"]", "{c: [\"4xx\", \"5xx\"]}"),
                arguments("flow list of numbers", "c: [402, 429]", "{c: [402, 429]}"),
                arguments("empty flow collections", "a: []\nb: {}", "{a: [], b: {}}"),
                arguments("flow mapping", "m: {a: 1, \"b\": [x, y], c: }", "{m: {a: 1, b: [x, y], c: <nothing>}}"),
                arguments("nested flow", "m: [[1, 2], {}, 'q']", "{m: [[1, 2], {}, \"q\"]}"),
                arguments("flow list with trailing comma", "m: [a, b, ]", "{m: [a, b]}"),
                arguments("single-quoted with '' escape", "a: 'it''s'", "{a: \"it's\"}"),
                arguments("quoted key", "\"anthropic/claude-opus-4-5\": x\n'b c': y", "{anthropic/claude-opus-4-5: x, b c: y}"),
                arguments("comments", "# head\na: 1 # trailing\n  # indented\nb: x#y\n", "{a: 1, b: x#y}"),
                arguments("hash inside quotes", "a: \"x # y\"\nb: '# z'", "{a: \"x # y\", b: \"# z\"}"),
                arguments("null forms", "a:\nb: ~\nc: null\nd: \"\"", "{a: <nothing>, b: ~, c: null, d: \"\"}"),
                arguments("comment after key with no value", "a: # none\nb: 1", "{a: <nothing>, b: 1}"),
                arguments("booleans and integers stay text", "t: true\nn: -5", "{t: true, n: -5}"),
                arguments("colon inside plain value", "url: http://127.0.0.1:8000/v1", "{url: http://127.0.0.1:8000/v1}"),
                arguments("spaces inside plain value", "a: hello  world  ", "{a: hello  world}"),
                arguments("CRLF line endings", "a: 1\r\nb:\r\n  - x\r\n", "{a: 1, b: [x]}"),
                arguments("old Mac CR line endings", "a: 1\rb: 2", "{a: 1, b: 2}"),
                arguments("UTF-8 BOM", "\uFEFFa: 1", "{a: 1}"),
                arguments("item with its mapping on the next lines", "-\n  a: 1\n- b", "[{a: 1}, b]"),
                arguments("empty list item", "- \n- b", "[<nothing>, b]"),
                arguments("nested lists", "- - a\n  - b\n- c", "[[a, b], c]"),
                arguments("quoted key in a list item", "- \"a\": 1\n  b: 2", "[{a: 1, b: 2}]"),
                arguments("blank lines with spaces", "a: 1\n   \n\nb: 2\n", "{a: 1, b: 2}"),
                arguments("indented root", "  a: 1\n  b: 2", "{a: 1, b: 2}"),
                arguments("tab between key and value", "a:\t1", "{a: 1}"),
                arguments("one leading document marker", "--- # doc\na: 1", "{a: 1}"),
                arguments("empty document", "# only a comment\n", "{}"),
                arguments("non-ASCII text", "a: \"héllo\" # 注释\n别名: x", "{a: \"héllo\", 别名: x}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void accepted(String name, String yaml, String expected) throws ConfigException {
        assertEquals(expected, render(parse(yaml)));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("tab as indentation", "a:\n\tb: 1", "2:1: tab character in indentation; indent with spaces"),
                arguments("tab after spaces", "a:\n  \tb: 1", "2:3: tab character in indentation; indent with spaces"),
                arguments("tab after a dash", "-\ta", "1:2: tab after '-'; separate a list item with a space"),
                arguments("anchor", "a: &x 1", "1:4: anchors ('&') are not supported"),
                arguments("anchor on a key", "&x a: 1", "1:1: anchors ('&') are not supported"),
                arguments("alias", "a: 1\nb: *x", "2:4: aliases ('*') are not supported"),
                arguments("alias in a flow list", "a: [1, *x]", "1:8: aliases ('*') are not supported"),
                arguments("merge key alias", "<<: *base", "1:5: aliases ('*') are not supported"),
                arguments("tag", "a: !!str 1", "1:4: tags ('!') are not supported"),
                arguments("literal block scalar", "a: |\n  text",
                        "1:4: block scalars ('|') are not supported; write the value on one line, in quotes"),
                arguments("folded block scalar", "a: >-\n  text",
                        "1:4: block scalars ('>') are not supported; write the value on one line, in quotes"),
                arguments("second document", "a: 1\n---\nb: 2", "2:1: expected a single document; '---' is not supported here"),
                arguments("two leading markers", "---\n---", "2:1: expected a single document; '---' is not supported here"),
                arguments("content after a marker", "--- a: 1", "1:1: expected a single document; '---' is not supported here"),
                arguments("document end", "a: 1\n...", "2:1: expected a single document; '...' is not supported"),
                arguments("directive", "%YAML 1.2\na: 1", "1:1: directives ('%') are not supported"),
                arguments("duplicate key", "a: 1\nb: 2\na: 3", "3:1: duplicate key \"a\" (first on line 1)"),
                arguments("duplicate key, quoted and plain", "m:\n  \"x\": 1\n  x: 2", "3:3: duplicate key \"x\" (first on line 2)"),
                arguments("duplicate key in a flow mapping", "a: {x: 1, x: 2}", "1:11: duplicate key \"x\""),
                arguments("deeper indentation after a value", "a: 1\n  b: 2", "2:3: unexpected indentation; expected a key at column 1"),
                arguments("dedent to no level", "a:\n    b: 1\n  c: 2", "3:3: unexpected indentation; expected a key at column 1"),
                arguments("misaligned list item", "l:\n  - a\n   - b", "3:4: unexpected indentation; expected '- ' at column 3"),
                arguments("misaligned key in a list item", "- name: a\n   url: b", "2:4: unexpected indentation; expected a key at column 3"),
                arguments("key left of a list item's mapping", "- name: a\n url: b", "2:2: unexpected indentation; expected '- ' at column 1"),
                arguments("dedent below an indented root", "  a: 1\nb: 2", "2:1: unexpected indentation; expected column 3"),
                arguments("key after a root list", "- a\nb: 1", "2:1: expected '- ' (a list item) at column 1"),
                arguments("list item among keys", "a: 1\n- b", "2:1: expected a key at column 1, got a list item"),
                arguments("unterminated double quote", "a: \"abc", "1:4: unterminated string: expected a closing '\"' on the same line"),
                arguments("unterminated single quote", "a: 'abc", "1:4: unterminated string: expected a closing \"'\" on the same line"),
                arguments("unterminated quoted key", "\"abc: 1", "1:1: unterminated string: expected a closing '\"' on the same line"),
                arguments("backslash at the end of a string", "a: \"abc\\", "1:4: unterminated string: expected a closing '\"' on the same line"),
                arguments("unknown escape", "a: \"\\q\"",
                        "1:5: unknown escape '\\q'; expected one of \\\" \\\\ \\/ \\n \\t \\r \\0 \\uXXXX"),
                arguments("short unicode escape", "a: \"\\u12\"", "1:5: expected 4 hex digits after \\u"),
                arguments("unterminated flow list", "a: [1, 2",
                        "1:9: expected ']' to close the '[' at column 4 (flow collections must end on the same line)"),
                arguments("flow list cut by a comment", "a: [1, # more\n  2]",
                        "1:8: expected ']' to close the '[' at column 4 (flow collections must end on the same line)"),
                arguments("unterminated flow mapping", "a: {x: 1",
                        "1:9: expected '}' to close the '{' at column 4 (flow collections must end on the same line)"),
                arguments("missing comma in flow list", "a: [\"x\" \"y\"]", "1:9: expected ',' or ']'"),
                arguments("empty flow list item", "a: [1,,2]", "1:7: expected a value, got ','"),
                arguments("flow mapping key without colon", "a: {x, y}", "1:6: expected ':' after key \"x\""),
                arguments("text after a quoted value", "a: \"x\" y", "1:8: expected end of line or ' #' comment after the value"),
                arguments("text after a flow list", "a: [1] 2", "1:8: expected end of line or ' #' comment after the value"),
                arguments("comment without space after quote", "a: \"x\"#c", "1:7: expected end of line or ' #' comment after the value"),
                arguments("missing colon", "a: 1\nb", "2:1: expected 'key: value' (a key followed by ':' and a space)"),
                arguments("colon without space", "a:1", "1:1: expected 'key: value' (a key followed by ':' and a space)"),
                arguments("empty key", ": 1", "1:1: expected a key before ':'"),
                arguments("quoted key without colon", "\"a\" b: 1", "1:5: expected ':' after key \"a\""),
                arguments("flow list as a key", "[a]: 1", "1:1: expected a mapping key; '[' cannot start a key"),
                arguments("colon-space inside a plain value", "a: b: c", "1:5: unexpected ': ' inside a plain value; put the value in quotes"),
                arguments("list item on a key's line", "a: - b",
                        "1:4: a list item ('- ') cannot start here; put list items on their own lines"),
                arguments("complex key", "? a\n: b", "1:1: complex keys ('? ') are not supported"),
                arguments("multi-line plain value", "a:\n  hello", "2:3: expected 'key: value' (a key followed by ':' and a space)"),
                arguments("reserved character", "a: @x", "1:4: '@' cannot start a plain value; put the value in quotes"),
                arguments("hash right after a flow comma", "a: [1,#2]", "1:7: '#' cannot start a plain value; put the value in quotes"),
                arguments("position after CRLF", "a: 1\r\nb: *x", "2:4: aliases ('*') are not supported"),
                arguments("position after a BOM", "\uFEFFa: &x 1", "1:4: anchors ('&') are not supported"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void rejected(String name, String yaml, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertEquals("test.yaml:" + expected, e.getMessage());
    }

    @Test
    void syntaxError_carriesOneProblemWithTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("a: 1\nb: *x"));
        assertEquals(FILE, e.file());
        assertEquals(java.util.List.of(new Problem("yaml", 2, "column 4: aliases ('*') are not supported")), e.problems());
    }

    @Test
    void doubleQuotedEscapes_areDecoded() throws ConfigException {
        YamlNode.Mapping m = (YamlNode.Mapping) parse("a: \"q\\\" b\\\\ n\\n t\\t u\\u00e9 s\\/\"");
        assertEquals("q\" b\\ n\n t\t u\u00e9 s/", ((YamlNode.Scalar) m.get("a")).value());
    }

    @Test
    void nodes_rememberLineAndColumn() throws ConfigException {
        YamlNode.Mapping root = (YamlNode.Mapping) parse("# c\nbackends:\n  - name: x\n    url: \"y\"\n");
        YamlNode.Entry entry = root.entries().get("backends");
        assertEquals(2, entry.line());
        YamlNode.Sequence list = (YamlNode.Sequence) entry.value();
        assertEquals(3, list.line());
        assertEquals(3, list.column());
        YamlNode.Mapping item = (YamlNode.Mapping) list.items().get(0);
        assertEquals(5, item.column());
        YamlNode.Scalar url = (YamlNode.Scalar) item.get("url");
        assertEquals(4, url.line());
        assertEquals(10, url.column());
        assertEquals(true, url.quoted());
    }

    @Test
    void quotedNull_isTextNotNull() throws ConfigException {
        YamlNode.Mapping m = (YamlNode.Mapping) parse("a: \"null\"\nb: null");
        assertEquals(false, ((YamlNode.Scalar) m.get("a")).isNull());
        assertEquals(true, ((YamlNode.Scalar) m.get("b")).isNull());
    }

    @Test
    void parser_isSingleUse() throws ConfigException {
        YamlParser parser = new YamlParser("a: 1", FILE);
        parser.parse();
        assertThrows(IllegalStateException.class, parser::parse);
    }
}
