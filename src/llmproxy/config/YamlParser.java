package llmproxy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the YAML subset used by config files: block mappings and lists nested by indentation,
 * one-line flow collections, quoted and plain scalars, comments. Anything outside the subset is
 * rejected as {@code FILE:LINE:COLUMN: what was expected} rather than guessed at. Single use.
 */
final class YamlParser {
    /** A line with content; {@code start} is the index of its first character, i.e. its indentation. */
    private record Line(int number, String text, int start) {
    }

    private final Path file;
    private final String text;
    private final List<Line> lines = new ArrayList<>();
    private int next;
    private boolean used;

    YamlParser(String text, Path file) {
        this.text = text;
        this.file = file;
    }

    /** Parses the whole document; an empty document is an empty mapping. */
    YamlNode parse() throws ConfigException {
        if (used) {
            throw new IllegalStateException("a YamlParser parses one document once");
        }
        used = true;
        splitLines();
        if (lines.isEmpty()) {
            return new YamlNode.Mapping(Map.of(), 1, 1);
        }
        Line first = lines.get(0);
        YamlNode root = block(first.start());
        if (next < lines.size()) {
            Line l = lines.get(next);
            throw error(l, l.start(), l.start() < first.start()
                    ? "unexpected indentation; expected column " + (first.start() + 1)
                    : "expected '- ' (a list item) at column " + (first.start() + 1));
        }
        return root;
    }

    private void splitLines() throws ConfigException {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        String[] raw = body.split("\r\n|\r|\n", -1);
        boolean sawStartMarker = false;
        for (int i = 0; i < raw.length; i++) {
            String s = raw[i];
            int number = i + 1;
            int p = 0;
            while (p < s.length() && s.charAt(p) == ' ') {
                p++;
            }
            int q = InlineScanner.skipBlank(s, p);
            if (q == s.length() || s.charAt(q) == '#') {
                continue;
            }
            if (q != p) {
                throw ConfigException.syntax(file, number, p + 1, "tab character in indentation; indent with spaces");
            }
            if (p == 0 && isMarker(s, "---")) {
                // A single leading "---" is harmless; a second one would start another document.
                if (sawStartMarker || !lines.isEmpty() || !new InlineScanner(file, number, s, 3).restIsEmpty()) {
                    throw ConfigException.syntax(file, number, 1, "expected a single document; '---' is not supported here");
                }
                sawStartMarker = true;
                continue;
            }
            if (p == 0 && isMarker(s, "...")) {
                throw ConfigException.syntax(file, number, 1, "expected a single document; '...' is not supported");
            }
            if (p == 0 && s.charAt(0) == '%') {
                throw ConfigException.syntax(file, number, 1, "directives ('%') are not supported");
            }
            if (s.charAt(p) == '-' && p + 1 < s.length() && s.charAt(p + 1) == '\t') {
                throw ConfigException.syntax(file, number, p + 2, "tab after '-'; separate a list item with a space");
            }
            lines.add(new Line(number, s, p));
        }
    }

    private static boolean isMarker(String s, String marker) {
        return s.startsWith(marker) && (s.length() == 3 || s.charAt(3) == ' ' || s.charAt(3) == '\t');
    }

    private YamlNode block(int indent) throws ConfigException {
        Line l = lines.get(next);
        return InlineScanner.isItem(l.text(), l.start()) ? sequence(indent) : mapping(indent);
    }

    private YamlNode.Mapping mapping(int indent) throws ConfigException {
        Line first = lines.get(next);
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        while (next < lines.size()) {
            Line l = lines.get(next);
            if (l.start() < indent) {
                break;
            }
            if (l.start() > indent) {
                throw error(l, l.start(), "unexpected indentation; expected a key at column " + (indent + 1));
            }
            if (InlineScanner.isItem(l.text(), l.start())) {
                throw error(l, l.start(), "expected a key at column " + (indent + 1) + ", got a list item");
            }
            next++;
            InlineScanner in = new InlineScanner(file, l.number(), l.text(), l.start());
            InlineScanner.Key key = in.key();
            YamlNode.Entry previous = entries.get(key.name());
            if (previous != null) {
                throw error(l, key.column() - 1,
                        "duplicate key \"" + key.name() + "\" (first on line " + previous.line() + ")");
            }
            YamlNode value = in.restIsEmpty() ? nested(indent, l.number(), in.position() + 1, true) : in.value();
            entries.put(key.name(), new YamlNode.Entry(key.name(), l.number(), key.column(), value));
        }
        return new YamlNode.Mapping(entries, first.number(), first.start() + 1);
    }

    private YamlNode.Sequence sequence(int indent) throws ConfigException {
        Line first = lines.get(next);
        List<YamlNode> items = new ArrayList<>();
        while (next < lines.size()) {
            Line l = lines.get(next);
            if (l.start() < indent) {
                break;
            }
            if (l.start() > indent) {
                throw error(l, l.start(), "unexpected indentation; expected '- ' at column " + (indent + 1));
            }
            if (!InlineScanner.isItem(l.text(), l.start())) {
                break;
            }
            int p = InlineScanner.skipBlank(l.text(), l.start() + 1);
            InlineScanner in = new InlineScanner(file, l.number(), l.text(), p);
            if (in.restIsEmpty()) {
                next++;
                items.add(nested(indent, l.number(), l.start() + 2, false));
            } else if (InlineScanner.isItem(l.text(), p) || in.looksLikeKey()) {
                // "- key: v" opens a mapping (or "- - x" a list) whose indentation is the column after "- ".
                lines.set(next, new Line(l.number(), l.text(), p));
                items.add(block(p));
            } else {
                next++;
                items.add(in.value());
            }
        }
        return new YamlNode.Sequence(items, first.number(), first.start() + 1);
    }

    /** The value of "key:" or "-" with nothing after it: a deeper block, a same-column list, or null. */
    private YamlNode nested(int parentIndent, int lineNumber, int column, boolean sameColumnListAllowed)
            throws ConfigException {
        if (next < lines.size()) {
            Line l = lines.get(next);
            if (l.start() > parentIndent) {
                return block(l.start());
            }
            if (sameColumnListAllowed && l.start() == parentIndent && InlineScanner.isItem(l.text(), l.start())) {
                return sequence(parentIndent);
            }
        }
        return new YamlNode.Scalar("", false, lineNumber, column);
    }

    private ConfigException error(Line l, int index, String expected) {
        return ConfigException.syntax(file, l.number(), index + 1, expected);
    }
}
