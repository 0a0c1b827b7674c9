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
 * Writes a {@link JsonValue} as compact JSON. Numbers are written as their original text; strings as
 * {@link JsonStrings#appendQuoted} writes them.
 */
public final class JsonWriter {
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

    private static void append(StringBuilder sb, JsonValue v) {
        switch (v) {
            case JsonObject o -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    JsonStrings.appendQuoted(sb, e.getKey());
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
            case JsonString s -> JsonStrings.appendQuoted(sb, s.value());
            case JsonNumber n -> sb.append(n.text());
            case JsonBool b -> sb.append(b.value());
            case JsonNull n -> sb.append("null");
        }
    }
}
