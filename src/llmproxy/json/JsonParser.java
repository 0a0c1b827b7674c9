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
public final class JsonParser extends JsonCursor {
    static final int MAX_DEPTH = 512;

    private int depth;

    private JsonParser(byte[] in, int end) {
        super(in, end);
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
            case '"' -> new JsonString(decodedString());
            case 't' -> literal("true", JsonBool.TRUE);
            case 'f' -> literal("false", JsonBool.FALSE);
            case 'n' -> literal("null", JsonNull.INSTANCE);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    int start = pos;
                    number();
                    yield new JsonNumber(new String(in, start, pos - start, StandardCharsets.US_ASCII));
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
            String key = decodedString();
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
        literal(word);
        return v;
    }

    private String decodedString() throws JsonException {
        int start = pos;
        string();
        return decodeString(in, start, pos);
    }
}
