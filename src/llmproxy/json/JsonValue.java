package llmproxy.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed JSON document as an immutable tree. Numbers keep their text exactly as written, so a
 * translated body never changes {@code 0.70} into {@code 0.7} or loses digits of a large integer.
 * Read with {@link JsonParser}, write with {@link JsonWriter}.
 */
public sealed interface JsonValue
        permits JsonValue.JsonObject, JsonValue.JsonArray, JsonValue.JsonString, JsonValue.JsonNumber,
        JsonValue.JsonBool, JsonValue.JsonNull {

    /** Members in insertion order; keys are unique. */
    record JsonObject(Map<String, JsonValue> members) implements JsonValue {
        public JsonObject {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
            members.forEach((k, v) -> Objects.requireNonNull(v, k));
        }

        /** The member's value, or {@code null} when absent. */
        public JsonValue get(String key) {
            return members.get(key);
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Collects members in order; {@code null} values are skipped so optional fields read simply. */
        public static final class Builder {
            private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

            private Builder() {
            }

            public Builder put(String key, JsonValue value) {
                if (value != null) {
                    members.put(key, value);
                }
                return this;
            }

            public Builder put(String key, String value) {
                return put(key, value == null ? null : new JsonString(value));
            }

            public Builder put(String key, long value) {
                return put(key, JsonNumber.of(value));
            }

            public Builder put(String key, boolean value) {
                return put(key, JsonBool.of(value));
            }

            public Builder putNull(String key) {
                return put(key, JsonNull.INSTANCE);
            }

            public JsonObject build() {
                return new JsonObject(members);
            }
        }
    }

    record JsonArray(List<JsonValue> elements) implements JsonValue {
        public JsonArray {
            elements = List.copyOf(elements);
        }

        public static JsonArray of(JsonValue... elements) {
            return new JsonArray(List.of(elements));
        }

        public static JsonArray of(List<? extends JsonValue> elements) {
            return new JsonArray(new ArrayList<>(elements));
        }
    }

    record JsonString(String value) implements JsonValue {
        public JsonString {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A number as its JSON text; the text is checked to be a JSON number. */
    record JsonNumber(String text) implements JsonValue {
        public JsonNumber {
            if (!isNumber(text)) {
                throw new IllegalArgumentException("not a JSON number: " + text);
            }
        }

        public static JsonNumber of(long value) {
            return new JsonNumber(Long.toString(value));
        }

        /** The value as a long when it is an integer that fits, else {@code null}. */
        public Long asLong() {
            try {
                return Long.valueOf(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static boolean isNumber(String s) {
            if (s == null) {
                return false;
            }
            int i = 0;
            int n = s.length();
            if (i < n && s.charAt(i) == '-') {
                i++;
            }
            if (i < n && s.charAt(i) == '0') {
                i++;
            } else {
                int start = i;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                if (i == start) {
                    return false;
                }
            }
            if (i < n && s.charAt(i) == '.') {
                i++;
                int start = i;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                if (i == start) {
                    return false;
                }
            }
            if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                i++;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                int start = i;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    i++;
                }
                if (i == start) {
                    return false;
                }
            }
            return i == n;
        }
    }

    record JsonBool(boolean value) implements JsonValue {
        public static final JsonBool TRUE = new JsonBool(true);
        public static final JsonBool FALSE = new JsonBool(false);

        public static JsonBool of(boolean value) {
            return value ? TRUE : FALSE;
        }
    }

    record JsonNull() implements JsonValue {
        public static final JsonNull INSTANCE = new JsonNull();
    }
}
