package llmproxy.json;

import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonBool;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonParserTest {

    @Test
    void parsesEveryTypeAndKeepsMemberOrder() throws JsonException {
        JsonValue v = JsonParser.parse("{\"z\":1,\"a\":[true,false,null,\"s\"],\"m\":{}}");
        JsonObject o = (JsonObject) v;
        assertEquals(List.of("z", "a", "m"), List.copyOf(o.members().keySet()));
        assertEquals(new JsonNumber("1"), o.get("z"));
        assertEquals(JsonArray.of(JsonBool.TRUE, JsonBool.FALSE, JsonNull.INSTANCE, new JsonString("s")), o.get("a"));
        assertEquals(JsonObject.builder().build(), o.get("m"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "0.70", "1e5", "1E+05", "-12.500e-3", "123456789012345678901234567890",
            "1.0000000000000000000000001"})
    void numbersKeepTheirTextExactly(String number) throws JsonException {
        assertEquals(new JsonNumber(number), JsonParser.parse(number));
        assertEquals("[" + number + "]", JsonWriter.write(JsonParser.parse("[ " + number + " ]")));
    }

    @Test
    void roundTripIsByteExactForCompactInput() throws JsonException {
        String json = "{\"a\":[1,2.50,{\"b\":\"x\\ny\\\"z\"}],\"c\":null,\"d\":-0.0e0,\"e\":\"héllo ✓ \uD83D\uDE00\"}";
        assertEquals(json, JsonWriter.write(JsonParser.parse(json)));
    }

    @Test
    void escapesAreDecodedIncludingSurrogatePairs() throws JsonException {
        JsonValue v = JsonParser.parse("\"\\u0041\\/\\b\\f\\n\\r\\t\\\\\\\"\\ud83d\\ude00\"");
        assertEquals(new JsonString("A/\b\f\n\r\t\\\"\uD83D\uDE00"), v);
    }

    @Test
    void unpairedSurrogateEscapeSurvivesARoundTrip() throws JsonException {
        JsonValue v = JsonParser.parse("\"a\\ud800b\"");
        assertEquals("\"a\\ud800b\"", JsonWriter.write(v));
        assertEquals(v, JsonParser.parse(JsonWriter.bytes(v)));
    }

    @Test
    void writerEscapesControlCharacters() {
        assertEquals("\"\\u0001\\u001f\\n\"", JsonWriter.write(new JsonString("\u0001\u001f\n")));
    }

    @Test
    void duplicateKeysAreRejectedWithTheSecondKeysOffset() {
        JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse("{\"a\":1,\"a\":2}"));
        assertEquals("duplicate key \"a\" at offset 7", e.getMessage());
    }

    @Test
    void duplicateKeysSpelledWithEscapesAreStillDuplicates() {
        JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse("{\"ab\":1,\"a\\u0062\":2}"));
        assertEquals("duplicate key \"ab\" at offset 8", e.getMessage());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments("", "empty document at offset 0"),
                arguments("   ", "empty document at offset 0"),
                arguments("{", "expected a string key at offset 1"),
                arguments("{\"a\"1}", "expected ':' at offset 4"),
                arguments("{\"a\":1,}", "expected a string key at offset 7"),
                arguments("[1,]", "expected a value at offset 3"),
                arguments("[1 2]", "expected ',' or ']' at offset 3"),
                arguments("{\"a\":1 \"b\":2}", "expected ',' or '}' at offset 7"),
                arguments("01", "unexpected data after the JSON value at offset 1"),
                arguments("1.", "expected a digit after '.' at offset 2"),
                arguments("-", "expected a digit at offset 1"),
                arguments("1e", "expected a digit in the exponent at offset 2"),
                arguments("+1", "expected a value at offset 0"),
                arguments("tru", "expected 'true' at offset 0"),
                arguments("nul", "expected 'null' at offset 0"),
                arguments("\"abc", "unterminated string at offset 4"),
                arguments("\"a\tb\"", "control character in string at offset 2"),
                arguments("\"\\x\"", "bad escape at offset 1"),
                arguments("\"\\u12g4\"", "bad \\u escape at offset 1"),
                arguments("{} {}", "unexpected data after the JSON value at offset 3"),
                arguments("NaN", "expected a value at offset 0"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedInputIsRejectedWithWhatAndWhere(String json, String message) {
        JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse(json));
        assertEquals(message, e.getMessage());
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] overlong = {'"', (byte) 0xc0, (byte) 0xaf, '"'};
        byte[] encodedSurrogate = {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'};
        byte[] truncated = {'"', (byte) 0xe2, (byte) 0x82};
        for (byte[] b : List.of(overlong, encodedSurrogate, truncated)) {
            JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse(b));
            assertEquals("invalid UTF-8 at offset 1", e.getMessage());
        }
    }

    @Test
    void nestingIsBoundedInsteadOfOverflowingTheStack() throws JsonException {
        String ok = "[".repeat(JsonParser.MAX_DEPTH) + "]".repeat(JsonParser.MAX_DEPTH);
        JsonParser.parse(ok);
        String deep = "[".repeat(100_000);
        JsonException e = assertThrows(JsonException.class, () -> JsonParser.parse(deep));
        assertEquals("nesting deeper than 512 at offset 512", e.getMessage());
    }

    @Test
    void parseObjectRefusesOtherTypes() {
        JsonException e = assertThrows(JsonException.class,
                () -> JsonParser.parseObject("[1]".getBytes(StandardCharsets.UTF_8)));
        assertEquals("expected a JSON object at offset 0", e.getMessage());
    }

    @Test
    void numberRecordRefusesTextThatIsNotANumber() {
        for (String bad : List.of("", "01", "1.", ".5", "1e", "NaN", "Infinity", "0x10", " 1", "١")) {
            assertThrows(IllegalArgumentException.class, () -> new JsonNumber(bad), bad);
        }
        assertEquals(Long.valueOf(42), new JsonNumber("42").asLong());
        assertEquals(null, new JsonNumber("4.2").asLong());
    }

    @Test
    void builderSkipsNullValuesAndKeepsOrder() {
        JsonObject o = JsonObject.builder().put("b", 1).put("a", (String) null).put("c", "x").putNull("d").build();
        assertEquals("{\"b\":1,\"c\":\"x\",\"d\":null}", JsonWriter.write(o));
    }
}
