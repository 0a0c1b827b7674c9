package llmproxy.protocol;

import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonBool;
import llmproxy.json.JsonValue.JsonNull;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

/**
 * Typed reads of a JSON tree that fail with a {@link TranslationException} naming the field path.
 * {@link #CLIENT} blames the client (400), {@link #UPSTREAM} the backend (502). A JSON {@code null}
 * reads as absent, as both providers treat it.
 */
final class Expect {
    static final Expect CLIENT = new Expect(true);
    static final Expect UPSTREAM = new Expect(false);

    private final boolean client;

    private Expect(boolean client) {
        this.client = client;
    }

    TranslationException wrong(String path, String what) {
        return client ? TranslationException.invalid(path, "must be " + what)
                : TranslationException.badUpstream(path + " is not " + what);
    }

    static boolean absent(JsonValue v) {
        return v == null || v instanceof JsonNull;
    }

    JsonObject object(JsonValue v, String path) throws TranslationException {
        return as(JsonObject.class, v, path, "an object");
    }

    JsonObject optObject(JsonObject o, String key, String path) throws TranslationException {
        return opt(JsonObject.class, o, key, path, "an object");
    }

    JsonArray array(JsonValue v, String path) throws TranslationException {
        return as(JsonArray.class, v, path, "an array");
    }

    JsonArray optArray(JsonObject o, String key, String path) throws TranslationException {
        return opt(JsonArray.class, o, key, path, "an array");
    }

    /** {@code a}, checked to hold only strings. */
    JsonArray strings(JsonArray a, String path) throws TranslationException {
        for (int i = 0; i < a.elements().size(); i++) {
            string(a.elements().get(i), path + "[" + i + "]");
        }
        return a;
    }

    String string(JsonValue v, String path) throws TranslationException {
        return as(JsonString.class, v, path, "a string").value();
    }

    String optString(JsonObject o, String key, String path) throws TranslationException {
        JsonString s = opt(JsonString.class, o, key, path, "a string");
        return s == null ? null : s.value();
    }

    String requireString(JsonObject o, String key, String path) throws TranslationException {
        return string(o.get(key), path);
    }

    JsonNumber optNumber(JsonObject o, String key, String path) throws TranslationException {
        return opt(JsonNumber.class, o, key, path, "a number");
    }

    /** A whole number, or 0 when absent: token counts. */
    long count(JsonObject o, String key, String path) throws TranslationException {
        JsonNumber n = optNumber(o, key, path);
        if (n == null) {
            return 0;
        }
        Long l = n.asLong();
        if (l == null || l < 0) {
            throw wrong(path, "a non-negative integer");
        }
        return l;
    }

    Boolean optBool(JsonObject o, String key, String path) throws TranslationException {
        JsonBool b = opt(JsonBool.class, o, key, path, "a boolean");
        return b == null ? null : b.value();
    }

    private <T extends JsonValue> T as(Class<T> type, JsonValue v, String path, String what)
            throws TranslationException {
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw wrong(path, what);
    }

    /** The member as {@code type}, or {@code null} when absent. */
    private <T extends JsonValue> T opt(Class<T> type, JsonObject o, String key, String path, String what)
            throws TranslationException {
        JsonValue v = o.get(key);
        return absent(v) ? null : as(type, v, path, what);
    }
}
