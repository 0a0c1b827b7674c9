package llmproxy.json;

import java.nio.charset.StandardCharsets;

/**
 * The byte cursor both JSON readers share: whitespace, literals, numbers and strings are checked the same strict
 * way whether a document is only validated ({@link JsonScanner}) or built into a tree ({@link JsonParser}).
 */
abstract sealed class JsonCursor permits JsonParser, JsonScanner {
    final byte[] in;
    final int end;
    int pos;

    JsonCursor(byte[] in, int end) {
        this.in = in;
        this.end = end;
    }

    final void literal(String word) throws JsonException {
        int n = word.length();
        if (end - pos < n) {
            throw error("expected '" + word + "'");
        }
        for (int i = 0; i < n; i++) {
            if (in[pos + i] != word.charAt(i)) {
                throw error("expected '" + word + "'");
            }
        }
        pos += n;
    }

    final void number() throws JsonException {
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
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    /** Consumes a string starting at the opening quote, checking escapes and UTF-8. */
    final void string() throws JsonException {
        pos++;
        while (true) {
            if (pos >= end) {
                throw error("unterminated string");
            }
            int b = in[pos] & 0xff;
            if (b == '"') {
                pos++;
                return;
            }
            if (b == '\\') {
                escape();
            } else if (b < 0x20) {
                throw error("control character in string");
            } else if (b < 0x80) {
                pos++;
            } else {
                utf8();
            }
        }
    }

    private void escape() throws JsonException {
        if (pos + 1 >= end) {
            throw error("unterminated string");
        }
        byte e = in[pos + 1];
        switch (e) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> pos += 2;
            case 'u' -> {
                if (end - pos < 6) {
                    throw error("bad \\u escape");
                }
                for (int i = 2; i < 6; i++) {
                    if (Character.digit(in[pos + i], 16) < 0) {
                        throw error("bad \\u escape");
                    }
                }
                pos += 6;
            }
            default -> throw error("bad escape");
        }
    }

    private void utf8() throws JsonException {
        int n = Utf8.sequence(in, pos, end);
        if (n < 0) {
            throw error("invalid UTF-8");
        }
        pos += n;
    }

    final void expect(char c) throws JsonException {
        if (pos >= end || in[pos] != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    final void skipWhitespace() {
        while (pos < end) {
            byte c = in[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    final JsonException error(String what) {
        return new JsonException(what + " at offset " + pos);
    }

    /** Decodes the JSON string token {@code in[from, to)} (quotes included); input already validated. */
    static String decodeString(byte[] in, int from, int to) {
        int start = from + 1;
        int stop = to - 1;
        boolean escaped = false;
        for (int i = start; i < stop; i++) {
            if (in[i] == '\\') {
                escaped = true;
                break;
            }
        }
        if (!escaped) {
            return new String(in, start, stop - start, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(stop - start);
        int i = start;
        while (i < stop) {
            int runStart = i;
            while (i < stop && in[i] != '\\') {
                i++;
            }
            sb.append(new String(in, runStart, i - runStart, StandardCharsets.UTF_8));
            if (i >= stop) {
                break;
            }
            byte e = in[i + 1];
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(new String(in, i + 2, 4, StandardCharsets.US_ASCII), 16));
                    i += 4;
                }
                default -> sb.append((char) e);
            }
            i += 2;
        }
        return sb.toString();
    }
}
