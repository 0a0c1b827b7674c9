package llmproxy.json;

/**
 * Validates a JSON document in one pass over its bytes, without building objects, and notes where the
 * top-level {@code "model"} value sits and whether top-level {@code "stream"} is {@code true}. This lets
 * the proxy rewrite the model surgically and forward every other byte unchanged. A duplicated top-level
 * {@code "model"} or {@code "stream"} key (escaped spellings included) is an error. Iterative (no recursion),
 * so hostile nesting cannot overflow the stack; strings are checked to be well-formed UTF-8.
 */
public final class JsonScanner extends JsonCursor {
    private static final int MAX_DEPTH = 1000;
    private static final int FIRST_MEMBER = 0;
    private static final int NEXT_MEMBER = 1;
    private static final int AFTER_VALUE = 2;
    private static final int NO_KEY = 0;
    private static final int MODEL_KEY = 1;
    private static final int STREAM_KEY = 2;

    private int modelStart = -1;
    private int modelEnd = -1;
    private boolean modelNotString;
    private boolean stream;
    private boolean sawModel;
    private boolean sawStream;

    private JsonScanner(byte[] in, int length) {
        super(in, length);
    }

    /** Scans {@code body[0, length)}; throws {@link JsonException} when it is not a JSON object. */
    public static JsonBody scan(byte[] body, int length) throws JsonException {
        JsonScanner s = new JsonScanner(body, length);
        s.document();
        String model = null;
        if (s.modelStart >= 0) {
            model = decodeString(body, s.modelStart, s.modelEnd);
        }
        return new JsonBody(model, s.modelStart, s.modelEnd, s.modelNotString, s.stream);
    }

    private void document() throws JsonException {
        skipWhitespace();
        if (pos >= end) {
            throw new JsonException("empty body: expected a JSON object");
        }
        if (in[pos] != '{') {
            throw new JsonException("expected a JSON object at offset " + pos);
        }
        // containers[d] is '{' or '[' for the open container at depth d.
        byte[] containers = new byte[MAX_DEPTH];
        int depth = 0;
        int state = FIRST_MEMBER;
        containers[depth++] = '{';
        pos++;
        while (true) {
            skipWhitespace();
            if (state == AFTER_VALUE && depth == 0) {
                break;
            }
            if (pos >= end) {
                throw error("unexpected end of input");
            }
            byte open = containers[depth - 1];
            byte close = open == '{' ? (byte) '}' : (byte) ']';
            byte c = in[pos];
            if (state == AFTER_VALUE) {
                if (c == ',') {
                    state = NEXT_MEMBER;
                } else if (c == close) {
                    depth--;
                } else {
                    throw error(open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
                }
                pos++;
                continue;
            }
            if (c == close && state == FIRST_MEMBER) {
                pos++;
                depth--;
                state = AFTER_VALUE;
                continue;
            }
            int keyKind = NO_KEY;
            if (open == '{') {
                if (c != '"') {
                    throw error("expected a string key");
                }
                int keyStart = pos;
                string();
                if (depth == 1) {
                    keyKind = keyKind(keyStart + 1, pos - 1);
                    noteKey(keyKind, keyStart);
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (pos >= end) {
                    throw error("unexpected end of input");
                }
                c = in[pos];
            }
            if (c == '{' || c == '[') {
                if (keyKind == MODEL_KEY) {
                    modelNotString = true;
                    modelStart = -1;
                }
                if (depth == MAX_DEPTH) {
                    throw error("nesting deeper than " + MAX_DEPTH);
                }
                containers[depth++] = c;
                pos++;
                state = FIRST_MEMBER;
                continue;
            }
            int valueStart = pos;
            scalar();
            state = AFTER_VALUE;
            if (keyKind == MODEL_KEY) {
                if (in[valueStart] == '"') {
                    modelStart = valueStart;
                    modelEnd = pos;
                    modelNotString = false;
                } else {
                    modelNotString = in[valueStart] != 'n'; // "model": null reads as absent
                    modelStart = -1;
                }
            } else if (keyKind == STREAM_KEY) {
                stream = in[valueStart] == 't';
            }
        }
        if (pos != end) {
            throw error("unexpected data after the JSON object");
        }
    }

    /**
     * A second top-level "model" or "stream" is refused: parsers disagree on which one counts (the proxy would
     * route on one while the upstream reads the other), so a client could pick any model behind an alias.
     */
    private void noteKey(int keyKind, int keyStart) throws JsonException {
        if (keyKind == MODEL_KEY && sawModel || keyKind == STREAM_KEY && sawStream) {
            throw new JsonException("duplicate key \"" + (keyKind == MODEL_KEY ? "model" : "stream")
                    + "\" at offset " + keyStart);
        }
        sawModel |= keyKind == MODEL_KEY;
        sawStream |= keyKind == STREAM_KEY;
    }

    private int keyKind(int from, int to) {
        for (int i = from; i < to; i++) {
            if (in[i] == '\\') {
                // An escaped key ("mod\u0065l") means "model" to the upstream's parser too.
                return switch (decodeString(in, from - 1, to + 1)) {
                    case "model" -> MODEL_KEY;
                    case "stream" -> STREAM_KEY;
                    default -> NO_KEY;
                };
            }
        }
        int n = to - from;
        if (n == 5 && in[from] == 'm' && in[from + 1] == 'o' && in[from + 2] == 'd' && in[from + 3] == 'e'
                && in[from + 4] == 'l') {
            return MODEL_KEY;
        }
        if (n == 6 && in[from] == 's' && in[from + 1] == 't' && in[from + 2] == 'r' && in[from + 3] == 'e'
                && in[from + 4] == 'a' && in[from + 5] == 'm') {
            return STREAM_KEY;
        }
        return NO_KEY;
    }

    private void scalar() throws JsonException {
        byte c = in[pos];
        switch (c) {
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw error("expected a value");
                }
            }
        }
    }
}
