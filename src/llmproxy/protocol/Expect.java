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
        if (v instanceof JsonObject o) {
            return o;
        }
        throw wrong(path, "an object");
    }

    JsonObject optObject(JsonObject o, String key, String path) throws TranslationException {
        JsonValue v = o.get(key);
        return absent(v) ? null : object(v, path);
    }

    JsonArray array(JsonValue v, String path) throws TranslationException {
        if (v instanceof JsonArray a) {
            return a;
        }
        throw wrong(path, "an array");
    }

    JsonArray optArray(JsonObject o, String key, String path) throws TranslationException {
        JsonValue v = o.get(key);
        return absent(v) ? null : array(v, path);
    }

    String string(JsonValue v, String path) throws TranslationException {
        if (v instanceof JsonString s) {
            return s.value();
        }
        throw wrong(path, "a string");
    }

    String optString(JsonObject o, String key, String path) throws TranslationException {
        JsonValue v = o.get(key);
        return absent(v) ? null : string(v, path);
    }

    String requireString(JsonObject o, String key, String path) throws TranslationException {
        String s = optString(o, key, path);
        if (s == null) {
            throw wrong(path, "a string");
        }
        return s;
    }

    JsonNumber optNumber(JsonObject o, String key, String path) throws TranslationException {
        JsonValue v = o.get(key);
        if (absent(v)) {
            return null;
        }
        if (v instanceof JsonNumber n) {
            return n;
        }
        throw wrong(path, "a number");
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
        JsonValue v = o.get(key);
        if (absent(v)) {
            return null;
        }
        if (v instanceof JsonBool b) {
            return b.value();
        }
        throw wrong(path, "a boolean");
    }
}
