package llmproxy.config;

/**
 * Decodes one single- or double-quoted YAML scalar that must close on its own line. Errors point at
 * the opening quote (unterminated) or at the bad escape.
 */
final class QuotedText {
    /** Builds the syntax error for a 0-based index on the current line. */
    interface Errors {
        ConfigException at(int index, String expected);
    }

    /** The decoded text and the index just past the closing quote. */
    record Decoded(String value, int end) {
    }

    private QuotedText() {
        throw new AssertionError();
    }

    static Decoded decode(String s, int open, Errors errors) throws ConfigException {
        return s.charAt(open) == '"' ? doubleQuoted(s, open, errors) : singleQuoted(s, open, errors);
    }

    /** Index of the quote closing the one at {@code open}, or -1. */
    static int closingQuote(String s, int open) {
        char q = s.charAt(open);
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (q == '"' && c == '\\') {
                i++;
            } else if (c == q) {
                if (q == '\'' && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Decoded doubleQuoted(String s, int open, Errors errors) throws ConfigException {
        StringBuilder out = new StringBuilder();
        int i = open + 1;
        while (true) {
            if (i >= s.length()) {
                throw errors.at(open, "unterminated string: expected a closing '\"' on the same line");
            }
            char c = s.charAt(i);
            if (c == '"') {
                return new Decoded(out.toString(), i + 1);
            }
            if (c != '\\') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 >= s.length()) {
                throw errors.at(open, "unterminated string: expected a closing '\"' on the same line");
            }
            char e = s.charAt(i + 1);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '0' -> out.append('\0');
                case 'u' -> {
                    if (i + 6 > s.length() || !s.substring(i + 2, i + 6).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw errors.at(i, "expected 4 hex digits after \\u");
                    }
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                    i += 4;
                }
                default -> throw errors.at(i, "unknown escape '\\" + e + "'; expected one of \\\" \\\\ \\/ \\n \\t \\r \\0 \\uXXXX");
            }
            i += 2;
        }
    }

    private static Decoded singleQuoted(String s, int open, Errors errors) throws ConfigException {
        StringBuilder out = new StringBuilder();
        int i = open + 1;
        while (true) {
            if (i >= s.length()) {
                throw errors.at(open, "unterminated string: expected a closing \"'\" on the same line");
            }
            char c = s.charAt(i);
            if (c == '\'') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    out.append('\'');
                    i += 2;
                    continue;
                }
                return new Decoded(out.toString(), i + 1);
            }
            out.append(c);
            i++;
        }
    }
}
