package llmproxy.json;

import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonBool;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Strict RFC 8259 parser from UTF-8 bytes to a {@link JsonValue} tree, for bodies that are translated
 * rather than passed through. Rejects what some parsers accept and others do not - duplicate keys,
 * invalid UTF-8, trailing data - because a body two parsers read differently is a smuggling vector.
 * Nesting is bounded so hostile input cannot exhaust the stack. Errors name the byte offset.
 */
public final class JsonParser {
    static final int MAX_DEPTH = 512;

    private final byte[] in;
    private final int end;
    private int pos;
    private int depth;

    private JsonParser(byte[] in, int end) {
        this.in = in;
        this.end = end;
    }

    /** Parses a whole document of any JSON type. */
    public static JsonValue parse(byte[] json) throws JsonException {
        JsonParser p = new JsonParser(json, json.length);
        p.skipWhitespace();
        if (p.pos >= p.end) {
            throw new JsonException("empty document at offset 0");
        }
        JsonValue v = p.value();
        p.skipWhitespace();
        if (p.pos != p.end) {
            throw p.error("unexpected data after the JSON value");
        }
        return v;
    }

    public static JsonValue parse(String json) throws JsonException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses a document that must be an object. */
    public static JsonObject parseObject(byte[] json) throws JsonException {
        if (parse(json) instanceof JsonObject o) {
            return o;
        }
        throw new JsonException("expected a JSON object at offset 0");
    }

    private JsonValue value() throws JsonException {
        if (pos >= end) {
            throw error("unexpected end of input");
        }
        byte c = in[pos];
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> new JsonString(string());
            case 't' -> literal("true", JsonBool.TRUE);
            case 'f' -> literal("false", JsonBool.FALSE);
            case 'n' -> literal("null", JsonNull.INSTANCE);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("expected a value");
            }
        };
    }

    private JsonObject object() throws JsonException {
        enter();
        pos++;
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < end && in[pos] == '}') {
            pos++;
            depth--;
            return new JsonObject(members);
        }
        while (true) {
            skipWhitespace();
            if (pos >= end || in[pos] != '"') {
                throw error("expected a string key");
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            JsonValue v = value();
            if (members.putIfAbsent(key, v) != null) {
                throw new JsonException("duplicate key " + JsonStrings.quote(key) + " at offset " + keyAt);
            }
            skipWhitespace();
            if (pos < end && in[pos] == ',') {
                pos++;
            } else if (pos < end && in[pos] == '}') {
                pos++;
                depth--;
                return new JsonObject(members);
            } else {
                throw error("expected ',' or '}'");
            }
        }
    }

    private JsonArray array() throws JsonException {
        enter();
        pos++;
        List<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (pos < end && in[pos] == ']') {
            pos++;
            depth--;
            return new JsonArray(elements);
        }
        while (true) {
            skipWhitespace();
            elements.add(value());
            skipWhitespace();
            if (pos < end && in[pos] == ',') {
                pos++;
            } else if (pos < end && in[pos] == ']') {
                pos++;
                depth--;
                return new JsonArray(elements);
            } else {
                throw error("expected ',' or ']'");
            }
        }
    }

    private void enter() throws JsonException {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private JsonValue literal(String word, JsonValue v) throws JsonException {
        int n = word.length();
        for (int i = 0; i < n; i++) {
            if (pos + i >= end || in[pos + i] != word.charAt(i)) {
                throw error("expected '" + word + "'");
            }
        }
        pos += n;
        return v;
    }

    private JsonNumber number() throws JsonException {
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        if (pos < end && in[pos] == '0') {
            pos++;
        } else if (!digits()) {
            throw error("expected a digit");
        }
        if (pos < end && in[pos] == '.') {
            pos++;
            if (!digits()) {
                throw error("expected a digit after '.'");
            }
        }
        if (pos < end && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (!digits()) {
                throw error("expected a digit in the exponent");
            }
        }
        return new JsonNumber(new String(in, start, pos - start, StandardCharsets.US_ASCII));
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    /** Reads a string starting at its opening quote, checking escapes and UTF-8. */
    private String string() throws JsonException {
        pos++;
        StringBuilder sb = null;
        int run = pos;
        while (true) {
            if (pos >= end) {
                throw error("unterminated string");
            }
            int b = in[pos] & 0xff;
            if (b == '"') {
                String tail = new String(in, run, pos - run, StandardCharsets.UTF_8);
                pos++;
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (b == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(new String(in, run, pos - run, StandardCharsets.UTF_8));
                escape(sb);
                run = pos;
            } else if (b < 0x20) {
                throw error("control character in string");
            } else if (b < 0x80) {
                pos++;
            } else {
                utf8(b);
            }
        }
    }

    private void escape(StringBuilder sb) throws JsonException {
        if (pos + 1 >= end) {
            throw error("unterminated string");
        }
        byte e = in[pos + 1];
        switch (e) {
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'u' -> {
                int cp = 0;
                for (int i = 2; i < 6; i++) {
                    int d = pos + i < end ? Character.digit(in[pos + i], 16) : -1;
                    if (d < 0) {
                        throw error("bad \\u escape");
                    }
                    cp = cp * 16 + d;
                }
                sb.append((char) cp);
                pos += 6;
                return;
            }
            default -> throw error("bad escape");
        }
        pos += 2;
    }

    private void utf8(int b) throws JsonException {
        int n = Utf8.sequence(in, pos, end);
        if (n < 0) {
            throw error("invalid UTF-8");
        }
        pos += n;
    }

    private void expect(char c) throws JsonException {
        if (pos >= end || in[pos] != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipWhitespace() {
        while (pos < end) {
            byte c = in[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private JsonException error(String what) {
        return new JsonException(what + " at offset " + pos);
    }
}
