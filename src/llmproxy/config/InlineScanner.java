package llmproxy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cursor over the rest of one line for {@link YamlParser}: keys, quoted and plain scalars, and
 * flow collections, which in this subset must end on the line where they start.
 */
final class InlineScanner {
    /** A mapping key and the 1-based column where it starts. */
    record Key(String name, int column) {
    }

    private final Path file;
    private final int lineNumber;
    private final String s;
    private int pos;

    InlineScanner(Path file, int lineNumber, String text, int pos) {
        this.file = file;
        this.lineNumber = lineNumber;
        this.s = text;
        this.pos = pos;
    }

    /** True when a block list item ({@code "- "} or a lone {@code "-"}) starts at {@code p}. */
    static boolean isItem(String text, int p) {
        return p < text.length() && text.charAt(p) == '-' && (p + 1 == text.length() || text.charAt(p + 1) == ' ');
    }

    static int skipBlank(String text, int p) {
        while (p < text.length() && isBlank(text.charAt(p))) {
            p++;
        }
        return p;
    }

    /** Index just past what has been read so far. */
    int position() {
        return pos;
    }

    /** True when only blanks or a comment remain. */
    boolean restIsEmpty() {
        return lineEndsAt(skipBlank(s, pos));
    }

    /** True when the line starts with {@code key:}, so a list item holds a mapping rather than a value. */
    boolean looksLikeKey() {
        char c = s.charAt(pos);
        if (c == '"' || c == '\'') {
            int close = QuotedText.closingQuote(s, pos);
            if (close < 0) {
                return false;
            }
            int p = skipBlank(s, close + 1);
            return p < s.length() && s.charAt(p) == ':' && followedByBlank(p);
        }
        return c != '[' && c != '{' && plainKeyEnd(pos) >= 0;
    }

    Key key() throws ConfigException {
        int start = pos;
        char c = s.charAt(start);
        String name;
        if (c == '"' || c == '\'') {
            name = quoted().value();
            int p = skipBlank(s, pos);
            if (p >= s.length() || s.charAt(p) != ':' || !followedByBlank(p)) {
                throw error(p, "expected ':' after key \"" + name + "\"");
            }
            pos = p + 1;
        } else {
            if (c == '[' || c == '{') {
                throw error(start, "expected a mapping key; '" + c + "' cannot start a key");
            }
            reject(start);
            int end = plainKeyEnd(start);
            if (end < 0) {
                throw error(start, "expected 'key: value' (a key followed by ':' and a space)");
            }
            if (end == start) {
                throw error(start, "expected a key before ':'");
            }
            name = s.substring(start, end).stripTrailing();
            pos = end + 1;
        }
        return new Key(name, start + 1);
    }

    /** Reads a value that runs to the end of the line (a comment may follow). */
    YamlNode value() throws ConfigException {
        pos = skipBlank(s, pos);
        YamlNode v = switch (s.charAt(pos)) {
            case '"', '\'' -> quoted();
            case '[' -> flowSequence();
            case '{' -> flowMapping();
            default -> plain(false);
        };
        int p = skipBlank(s, pos);
        if (!lineEndsAt(p)) {
            throw error(p, "expected end of line or ' #' comment after the value");
        }
        return v;
    }

    private YamlNode flowNode() throws ConfigException {
        return switch (s.charAt(pos)) {
            case '"', '\'' -> quoted();
            case '[' -> flowSequence();
            case '{' -> flowMapping();
            default -> plain(true);
        };
    }

    private YamlNode.Sequence flowSequence() throws ConfigException {
        int open = pos++;
        List<YamlNode> items = new ArrayList<>();
        while (true) {
            pos = skipBlank(s, pos);
            if (!lineEndsAt(pos) && s.charAt(pos) == ']') {
                pos++;
                break;
            }
            checkOpen(open, ']');
            items.add(flowNode());
            if (separatorEnds(open, ']')) {
                break;
            }
        }
        return new YamlNode.Sequence(items, lineNumber, open + 1);
    }

    private YamlNode.Mapping flowMapping() throws ConfigException {
        int open = pos++;
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (true) {
            pos = skipBlank(s, pos);
            if (!lineEndsAt(pos) && s.charAt(pos) == '}') {
                pos++;
                break;
            }
            checkOpen(open, '}');
            int keyStart = pos;
            char c = s.charAt(pos);
            String key = (c == '"' || c == '\'' ? quoted() : plainFlowKey()).value();
            pos = skipBlank(s, pos);
            if (pos >= s.length() || s.charAt(pos) != ':') {
                throw error(pos, "expected ':' after key \"" + key + "\"");
            }
            if (entries.containsKey(key)) {
                throw error(keyStart, "duplicate key \"" + key + "\"");
            }
            pos = skipBlank(s, pos + 1);
            checkOpen(open, '}');
            YamlNode value = s.charAt(pos) == ',' || s.charAt(pos) == '}'
                    ? new YamlNode.Scalar("", false, lineNumber, pos + 1) : flowNode();
            entries.put(key, new YamlNode.Entry(key, lineNumber, keyStart + 1, value));
            if (separatorEnds(open, '}')) {
                break;
            }
        }
        return new YamlNode.Mapping(entries, lineNumber, open + 1);
    }

    /** After an item: consumes ',' (false) or the closer (true). */
    private boolean separatorEnds(int open, char closer) throws ConfigException {
        pos = skipBlank(s, pos);
        checkOpen(open, closer);
        char c = s.charAt(pos++);
        if (c == closer) {
            return true;
        }
        if (c != ',') {
            throw error(pos - 1, "expected ',' or '" + closer + "'");
        }
        return false;
    }

    private void checkOpen(int open, char closer) throws ConfigException {
        if (lineEndsAt(pos)) {
            throw error(pos, "expected '" + closer + "' to close the '" + s.charAt(open) + "' at column " + (open + 1)
                    + " (flow collections must end on the same line)");
        }
    }

    private YamlNode.Scalar plainFlowKey() throws ConfigException {
        reject(pos);
        int start = pos;
        int i = start;
        while (i < s.length() && ",[]{}".indexOf(s.charAt(i)) < 0 && !lineEndsAt(i)
                && !(s.charAt(i) == ':' && (i + 1 == s.length() || " \t,}".indexOf(s.charAt(i + 1)) >= 0))) {
            i++;
        }
        if (i == start) {
            throw error(start, "expected a key");
        }
        pos = i;
        return new YamlNode.Scalar(s.substring(start, i).stripTrailing(), false, lineNumber, start + 1);
    }

    /** A plain (unquoted) scalar; inside a flow collection it also stops at ',', ']' and '}'. */
    private YamlNode.Scalar plain(boolean inFlow) throws ConfigException {
        reject(pos);
        int start = pos;
        int i = start;
        while (i < s.length() && !lineEndsAt(i)) {
            char c = s.charAt(i);
            if (inFlow && ",[]{}".indexOf(c) >= 0) {
                break;
            }
            if (c == ':' && (followedByBlank(i) || inFlow && ",]}".indexOf(s.charAt(i + 1)) >= 0)) {
                throw error(i, "unexpected ': ' inside a plain value; put the value in quotes");
            }
            i++;
        }
        pos = i;
        return new YamlNode.Scalar(s.substring(start, i).stripTrailing(), false, lineNumber, start + 1);
    }

    private YamlNode.Scalar quoted() throws ConfigException {
        int open = pos;
        QuotedText.Decoded d = QuotedText.decode(s, open, this::error);
        pos = d.end();
        return new YamlNode.Scalar(d.value(), true, lineNumber, open + 1);
    }

    /** Rejects the YAML features outside the subset where they would start a plain value or key. */
    private void reject(int p) throws ConfigException {
        char c = s.charAt(p);
        String why = switch (c) {
            case '&' -> "anchors ('&') are not supported";
            case '*' -> "aliases ('*') are not supported";
            case '!' -> "tags ('!') are not supported";
            case '|', '>' -> "block scalars ('" + c + "') are not supported; write the value on one line, in quotes";
            case '%', '@', '`', '#' -> "'" + c + "' cannot start a plain value; put the value in quotes";
            case ',', ']', '}' -> "expected a value, got '" + c + "'";
            case '?' -> followedByBlank(p) ? "complex keys ('? ') are not supported" : null;
            case '-' -> followedByBlank(p) ? "a list item ('- ') cannot start here; put list items on their own lines" : null;
            default -> null;
        };
        if (why != null) {
            throw error(p, why);
        }
    }

    private int plainKeyEnd(int start) {
        for (int i = start; i < s.length() && !lineEndsAt(i); i++) {
            if (s.charAt(i) == ':' && followedByBlank(i)) {
                return i;
            }
        }
        return -1;
    }

    /** A '#' starts a comment only after a blank; "a#b" is one value. */
    private boolean lineEndsAt(int p) {
        return p >= s.length() || s.charAt(p) == '#' && p > 0 && isBlank(s.charAt(p - 1));
    }

    private boolean followedByBlank(int p) {
        return p + 1 >= s.length() || isBlank(s.charAt(p + 1));
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private ConfigException error(int index, String expected) {
        return ConfigException.syntax(file, lineNumber, index + 1, expected);
    }
}
