package llmproxy.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonScannerTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonBody scan(String json) throws JsonException {
        return scan(utf8(json));
    }

    private static JsonBody scan(byte[] body) throws JsonException {
        return JsonScanner.scan(body, body.length);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    // --- finding "model" and "stream" -------------------------------------------------------

    @Test
    void model_isFoundAtTopLevel_notInNestedObjects() throws JsonException {
        JsonBody b = scan("{\"x\":{\"model\":\"n\"},\"model\":\"top\"}");
        assertEquals("top", b.model());
        assertFalse(b.modelNotString());
    }

    @Test
    void model_onlyNested_readsAsAbsent() throws JsonException {
        JsonBody b = scan("{\"x\":{\"model\":\"n\"},\"y\":[{\"model\":\"m\"}]}");
        assertNull(b.model());
        assertFalse(b.modelNotString());
    }

    @Test
    void model_span_coversTheStringTokenWithQuotes() throws JsonException {
        String json = "{ \"a\": 1, \"model\" : \"gpt-4o\" }";
        JsonBody b = scan(json);
        assertEquals("\"gpt-4o\"", json.substring(b.modelStart(), b.modelEnd()));
    }

    static Stream<Arguments> escapedModels() {
        return Stream.of(
                arguments("a\\/b", "a/b"),
                arguments("\\u0041bc", "Abc"),
                arguments("q\\\"x\\\\y", "q\"x\\y"),
                arguments("t\\tn\\nr\\rb\\bf\\f", "t\tn\nr\rb\bf\f"),
                arguments("\\ud83d\\ude00", "\uD83D\uDE00"),
                arguments("caf\u00e9-\u6a21\u578b", "caf\u00e9-\u6a21\u578b"),
                arguments("", ""));
    }

    @ParameterizedTest
    @MethodSource("escapedModels")
    void model_withEscapes_isDecoded(String raw, String expected) throws JsonException {
        assertEquals(expected, scan("{\"model\":\"" + raw + "\"}").model());
    }

    @Test
    void stream_trueAtTopLevel_isSeen() throws JsonException {
        assertTrue(scan("{\"model\":\"m\",\"stream\": true}").stream());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"m\"}",
            "{\"stream\":false}",
            "{\"stream\":\"true\"}",
            "{\"stream\":null}",
            "{\"stream\":1}",
            "{\"stream\":{\"a\":true}}",
            "{\"x\":{\"stream\":true}}",
            "{\"x\":[{\"stream\":true}]}",
            "{\"stream_options\":true}"})
    void stream_isFalse_unlessTopLevelTrue(String json) throws JsonException {
        assertFalse(scan(json).stream());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"model\":1}", "{\"model\":1.5}", "{\"model\":true}", "{\"model\":false}",
            "{\"model\":{\"a\":\"b\"}}", "{\"model\":[\"a\"]}", "{\"model\":{}}", "{\"model\":[]}"})
    void model_notAString_isFlagged(String json) throws JsonException {
        JsonBody b = scan(json);
        assertTrue(b.modelNotString());
        assertNull(b.model());
    }

    @Test
    void model_null_readsAsAbsent() throws JsonException {
        JsonBody b = scan("{\"model\":null}");
        assertNull(b.model());
        assertFalse(b.modelNotString());
    }

    static Stream<Arguments> duplicates() {
        return Stream.of(
                arguments("{\"model\":\"a\",\"model\":\"b\"}", "model"),
                arguments("{\"model\":1,\"model\":\"b\"}", "model"),
                arguments("{\"model\":{},\"x\":[],\"model\":\"b\"}", "model"),
                arguments("{\"model\":\"a\",\"model\":null}", "model"),
                arguments("{\"model\":\"cheap\",\"mod\\u0065l\":\"expensive\"}", "model"),
                arguments("{\"stream\":false,\"model\":\"m\",\"stream\":true}", "stream"),
                arguments("{\"str\\u0065am\":true,\"stream\":false}", "stream"));
    }

    @ParameterizedTest
    @MethodSource("duplicates")
    void duplicateTopLevelModelOrStreamKey_isRejectedNamingTheKey(String json, String key) {
        JsonException e = assertThrows(JsonException.class, () -> scan(json));
        assertTrue(e.getMessage().startsWith("duplicate key \"" + key + "\""), e.getMessage());
    }

    @Test
    void repeatedModelKeyInNestedObjects_isAllowed() throws JsonException {
        JsonBody b = scan("{\"a\":{\"model\":1,\"model\":2},\"model\":\"top\",\"b\":[{\"stream\":1,\"stream\":2}]}");
        assertEquals("top", b.model());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"mod\\u0065l\":\"x\"}", "{\"m\\u006fdel\":\"x\"}"})
    void escapedModelKey_isTheModelKey(String json) throws JsonException {
        // An upstream parser reads "mod\u0065l" as "model"; the proxy must route on the same value.
        assertEquals("x", scan(json).model());
    }

    @Test
    void escapedStreamKey_isTheStreamKey() throws JsonException {
        assertTrue(scan("{\"str\\u0065am\":true}").stream());
    }

    @Test
    void length_limitsTheScan() throws JsonException {
        byte[] body = utf8("{\"model\":\"m\"}garbage");
        assertEquals("m", JsonScanner.scan(body, 13).model());
    }

    // --- withModel --------------------------------------------------------------------------

    @Test
    void modelRewrite_keepsEveryOtherByte() throws JsonException {
        String before = "{\n  \"z\" : 1.0000000000000001e+400,\t\"esc\":\"a\\/b\\u00e9\\n\",\r\n \"uni\":\"\u6a21\u578b \uD83D\uDE00\","
                + " \"nested\":{\"model\":\"keep\"}, \"model\"  :  ";
        String after = " ,\"n\":[-0, 2.5E-3,1e5 ,true,false,null],\"stream\":true }  \n";
        byte[] body = utf8(before + "\"old\\u002fmodel\"" + after);
        JsonBody b = scan(body);
        assertEquals("old/model", b.model());

        byte[] out = b.withModel(body, "new-model");

        byte[] expected = concat(utf8(before), utf8("\"new-model\""), utf8(after));
        assertArrayEquals(expected, out);
        assertArrayEquals(Arrays.copyOfRange(body, 0, b.modelStart()), Arrays.copyOfRange(out, 0, b.modelStart()));
        byte[] suffix = Arrays.copyOfRange(body, b.modelEnd(), body.length);
        assertArrayEquals(suffix, Arrays.copyOfRange(out, out.length - suffix.length, out.length));
    }

    @Test
    void modelRewrite_resultIsValidJson_withTheNewModel() throws JsonException {
        byte[] body = utf8("{\"model\":\"a\",\"stream\":true}");
        byte[] out = scan(body).withModel(body, "vendor/m\"x\\y\u0001\u00e9");
        JsonBody again = scan(out);
        assertEquals("vendor/m\"x\\y\u0001\u00e9", again.model());
        assertTrue(again.stream());
    }

    @Test
    void modelRewrite_toLongerAndShorterNames() throws JsonException {
        byte[] body = utf8("{\"model\":\"medium\",\"x\":1}");
        JsonBody b = scan(body);
        assertEquals("{\"model\":\"m\",\"x\":1}", new String(b.withModel(body, "m"), StandardCharsets.UTF_8));
        assertEquals("{\"model\":\"a-much-longer-model-name\",\"x\":1}",
                new String(b.withModel(body, "a-much-longer-model-name"), StandardCharsets.UTF_8));
    }

    // --- rejected inputs --------------------------------------------------------------------

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("empty", ""),
                arguments("whitespace only", " \n\t\r "),
                arguments("array top-level", "[{\"model\":\"m\"}]"),
                arguments("string top-level", "\"model\""),
                arguments("number top-level", "1"),
                arguments("null top-level", "null"),
                arguments("trailing comma in object", "{\"a\":1,}"),
                arguments("trailing comma in array", "{\"a\":[1,]}"),
                arguments("leading comma in array", "{\"a\":[,1]}"),
                arguments("missing colon", "{\"a\" 1}"),
                arguments("missing value", "{\"a\":}"),
                arguments("unquoted key", "{a:1}"),
                arguments("single-quoted string", "{'a':1}"),
                arguments("unterminated string", "{\"model\":\"abc}"),
                arguments("unterminated key", "{\"mod"),
                arguments("unterminated object", "{\"a\":1"),
                arguments("unterminated array", "{\"a\":[1,2}"),
                arguments("mismatched close", "{\"a\":[1}]"),
                arguments("bad escape", "{\"a\":\"\\x\"}"),
                arguments("escape at end", "{\"a\":\"\\"),
                arguments("bad \\u hex", "{\"a\":\"\\u00zz\"}"),
                arguments("short \\u", "{\"a\":\"\\u12\"}"),
                arguments("control char in string", "{\"a\":\"x\ny\"}"),
                arguments("tab in string", "{\"a\":\"x\ty\"}"),
                arguments("leading zeros", "{\"a\":01}"),
                arguments("trailing dot", "{\"a\":1.}"),
                arguments("lone minus", "{\"a\":-}"),
                arguments("plus sign", "{\"a\":+1}"),
                arguments("leading dot", "{\"a\":.5}"),
                arguments("empty exponent", "{\"a\":1e}"),
                arguments("signed empty exponent", "{\"a\":1e+}"),
                arguments("hex number", "{\"a\":0x10}"),
                arguments("NaN", "{\"a\":NaN}"),
                arguments("truncated true", "{\"a\":tru}"),
                arguments("capitalised literal", "{\"a\":True}"),
                arguments("trailing garbage", "{\"a\":1}x"),
                arguments("second object", "{\"a\":1}{}"),
                arguments("trailing comma after object", "{\"a\":1},"),
                arguments("comment", "{/*c*/\"a\":1}"),
                arguments("two values without comma", "{\"a\":1 \"b\":2}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidJson_isRejected(String what, String json) {
        assertThrows(JsonException.class, () -> scan(json));
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                arguments("lone continuation byte", new byte[] {(byte) 0x80}),
                arguments("overlong slash", new byte[] {(byte) 0xC0, (byte) 0xAF}),
                arguments("overlong 3-byte", new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF}),
                arguments("surrogate", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                arguments("above U+10FFFF", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
                arguments("truncated 3-byte sequence", new byte[] {(byte) 0xE2, (byte) 0x82}),
                arguments("truncated 2-byte sequence", new byte[] {(byte) 0xC3}),
                arguments("0xFF", new byte[] {(byte) 0xFF}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8InString_isRejected(String what, byte[] bad) {
        byte[] body = concat(utf8("{\"model\":\"a"), bad, utf8("b\"}"));
        assertThrows(JsonException.class, () -> scan(body));
    }

    @Test
    void truncatedUtf8_atEndOfInput_isRejected() {
        byte[] body = concat(utf8("{\"model\":\"a"), new byte[] {(byte) 0xE2, (byte) 0x82});
        assertThrows(JsonException.class, () -> scan(body));
    }

    @Test
    void validUtf8_ofEveryLength_isAccepted() throws JsonException {
        String s = "\u00e9\u20ac\uD83D\uDE00\uDBFF\uDFFF";
        assertEquals(s, scan("{\"model\":\"" + s + "\"}").model());
    }

    @Test
    @Timeout(10)
    void deepNesting_isRejected_withoutStackOverflow() {
        String json = "{\"a\":" + "[".repeat(100_000);
        JsonException e = assertThrows(JsonException.class, () -> scan(json));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }

    @Test
    void deepNestingOfObjects_isRejected() {
        String json = "{\"a\":" + "{\"a\":".repeat(100_000);
        assertThrows(JsonException.class, () -> scan(json));
    }

    @Test
    void moderateNesting_isAccepted() throws JsonException {
        String json = "{\"a\":" + "[".repeat(500) + "]".repeat(500) + ",\"model\":\"m\"}";
        assertEquals("m", scan(json).model());
    }

    @Test
    void error_namesTheOffset() {
        JsonException e = assertThrows(JsonException.class, () -> scan("{\"a\":1,}"));
        assertTrue(e.getMessage().contains("offset 7"), e.getMessage());
    }

    // --- accepted inputs --------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            " {} ",
            "\t\r\n{\t\r\n}\t\r\n",
            "{\"a\":[]}",
            "{\"a\":[[],[[]],{}]}",
            "{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}",
            "{\"t\":true,\"f\":false,\"n\":null}",
            "{\"n\":[-0,0,1e5,2.5E-3,-1.25e+10,1E-0,10,123456789012345678901234567890]}",
            "{\"s\":\"\",\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\uABCD\\uabcd\"}",
            "{\"\":\"\"}",
            "{\"a\" : 1 , \"b\" : [ 1 , 2 ] }"})
    void validJson_isAccepted(String json) throws JsonException {
        JsonBody b = scan(json);
        assertNull(b.model());
        assertFalse(b.stream());
    }

    // --- JsonStrings ------------------------------------------------------------------------

    static Stream<Arguments> quoted() {
        return Stream.of(
                arguments("plain", "\"plain\""),
                arguments("", "\"\""),
                arguments("a\"b", "\"a\\\"b\""),
                arguments("a\\b", "\"a\\\\b\""),
                arguments("l1\nl2\r\t", "\"l1\\nl2\\r\\t\""),
                arguments("\u0001\u001f", "\"\\u0001\\u001f\""),
                arguments("a/b \u00e9", "\"a/b \u00e9\""));
    }

    @ParameterizedTest
    @MethodSource("quoted")
    void quote_escapesOnlyWhatJsonRequires(String in, String expected) {
        assertEquals(expected, JsonStrings.quote(in));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "a\"b\\c", "\u0000\u0007\u001f\u007f", "\u6a21\u578b\uD83D\uDE00", "\b\f"})
    void quote_roundTripsThroughTheScanner(String s) throws JsonException {
        assertEquals(s, scan("{\"model\":" + JsonStrings.quote(s) + "}").model());
    }
}
