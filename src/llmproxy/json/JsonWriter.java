package llmproxy.json;

import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonBool;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a {@link JsonValue} as compact JSON. Numbers are written as their original text; unpaired
 * surrogates (legal in a JSON escape, not encodable in UTF-8) are written as escapes so a
 * round trip keeps them.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonWriter() {
        throw new AssertionError();
    }

    public static String write(JsonValue v) {
        StringBuilder sb = new StringBuilder(256);
        append(sb, v);
        return sb.toString();
    }

    public static byte[] bytes(JsonValue v) {
        return write(v).getBytes(StandardCharsets.UTF_8);
    }

    public static void append(StringBuilder sb, JsonValue v) {
        switch (v) {
            case JsonObject o -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    appendString(sb, e.getKey());
                    sb.append(':');
                    append(sb, e.getValue());
                }
                sb.append('}');
            }
            case JsonArray a -> {
                sb.append('[');
                for (int i = 0; i < a.elements().size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    append(sb, a.elements().get(i));
                }
                sb.append(']');
            }
            case JsonString s -> appendString(sb, s.value());
            case JsonNumber n -> sb.append(n.text());
            case JsonBool b -> sb.append(b.value());
            case JsonNull n -> sb.append("null");
        }
    }

    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        escape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        escape(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void escape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
