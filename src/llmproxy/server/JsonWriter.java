package llmproxy.server;

import llmproxy.json.JsonStrings;

/** A minimal streaming JSON writer for /status: objects, arrays, strings, numbers, booleans and null. */
final class JsonWriter {
    private final StringBuilder sb = new StringBuilder(1024);
    /** Whether the next value in the current container needs a comma before it. */
    private boolean needComma;

    JsonWriter beginObject() {
        comma();
        sb.append('{');
        needComma = false;
        return this;
    }

    JsonWriter endObject() {
        sb.append('}');
        needComma = true;
        return this;
    }

    JsonWriter beginArray() {
        comma();
        sb.append('[');
        needComma = false;
        return this;
    }

    JsonWriter endArray() {
        sb.append(']');
        needComma = true;
        return this;
    }

    /** A member name; the next call writes its value. */
    JsonWriter name(String name) {
        comma();
        JsonStrings.appendQuoted(sb, name);
        sb.append(':');
        needComma = false;
        return this;
    }

    JsonWriter value(String s) {
        comma();
        if (s == null) {
            sb.append("null");
        } else {
            JsonStrings.appendQuoted(sb, s);
        }
        needComma = true;
        return this;
    }

    JsonWriter value(long n) {
        comma();
        sb.append(n);
        needComma = true;
        return this;
    }

    JsonWriter value(boolean b) {
        comma();
        sb.append(b);
        needComma = true;
        return this;
    }

    JsonWriter nullValue() {
        return value((String) null);
    }

    private void comma() {
        if (needComma) {
            sb.append(',');
        }
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
