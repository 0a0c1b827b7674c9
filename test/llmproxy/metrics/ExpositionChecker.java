package llmproxy.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: every line must parse, names and label names
 * must be valid, label values may only use the three escapes, HELP and TYPE come at most once and before the
 * family's samples, a family's samples are contiguous, sample names fit their type, and every histogram series
 * has ascending {@code le} bounds, non-decreasing cumulative counts, a {@code +Inf} bucket equal to
 * {@code _count}, and a {@code _sum}. Throws {@link AssertionError} naming the line on the first violation.
 */
public final class ExpositionChecker {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One parsed sample. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** The parsed exposition: samples in order, and each family's declared type. */
    public record Exposition(List<Sample> samples, Map<String, String> types) {
        /** The value of the one sample with this name and exactly these labels; fails when absent. */
        public double value(String name, Map<String, String> labels) {
            return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
                    .findFirst().orElseThrow(() -> new AssertionError("no sample " + name + labels)).value();
        }

        public boolean has(String name, Map<String, String> labels) {
            return samples.stream().anyMatch(s -> s.name().equals(name) && s.labels().equals(labels));
        }

        /** Every sample of that name. */
        public List<Sample> all(String name) {
            return samples.stream().filter(s -> s.name().equals(name)).toList();
        }
    }

    private ExpositionChecker() {
    }

    public static Exposition check(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("exposition must end with a newline");
        }
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> closedFamilies = new HashSet<>();
        Set<String> seriesSeen = new HashSet<>();
        String currentFamily = null;
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length - 1; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + " \"" + line + "\": ";
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    String name = parts[2];
                    require(NAME.matcher(name).matches(), where + "invalid metric name");
                    require(!seenSamplesOf(samples, name, types),
                            where + "HELP/TYPE after the family's samples");
                    if (parts[1].equals("HELP")) {
                        require(helped.add(name), where + "second HELP for " + name);
                        checkHelpEscapes(parts.length > 3 ? parts[3] : "", where);
                    } else {
                        require(parts.length == 4 && TYPES.contains(parts[3]), where + "unknown type");
                        require(!types.containsKey(name), where + "second TYPE for " + name);
                        types.put(name, parts[3]);
                    }
                    if (currentFamily != null && !currentFamily.equals(name)) {
                        closedFamilies.add(currentFamily);
                    }
                    currentFamily = name;
                }
                continue;
            }
            require(!line.isBlank(), where + "blank line");
            Sample s = parseSample(line, where);
            String family = familyOf(s.name(), types);
            require(family != null, where + "sample before its TYPE line");
            require(!closedFamilies.contains(family), where + "samples of " + family + " are not contiguous");
            if (currentFamily != null && !currentFamily.equals(family)) {
                closedFamilies.add(currentFamily);
            }
            currentFamily = family;
            require(seriesSeen.add(s.name() + s.labels()), where + "duplicate series");
            samples.add(s);
        }
        checkHistograms(samples, types);
        return new Exposition(List.copyOf(samples), types);
    }

    private static boolean seenSamplesOf(List<Sample> samples, String family, Map<String, String> types) {
        return samples.stream().anyMatch(s -> family.equals(familyOf(s.name(), types)));
    }

    /** The declared family a sample name belongs to, honouring the histogram suffixes; null when undeclared. */
    private static String familyOf(String name, Map<String, String> types) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if ("histogram".equals(types.get(base)) || "summary".equals(types.get(base)) && !suffix.equals("_bucket")) {
                    return base;
                }
            }
        }
        if ("histogram".equals(types.get(name))) {
            throw new AssertionError("histogram " + name + " has a sample without _bucket/_sum/_count");
        }
        return types.containsKey(name) ? name : null;
    }

    private static Sample parseSample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        require(NAME.matcher(name).matches(), where + "invalid sample name");
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                require(eq > i, where + "label without '='");
                String label = line.substring(i, eq);
                require(LABEL.matcher(label).matches() && !label.startsWith("__"), where + "invalid label name " + label);
                require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', where + "label value must be quoted");
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (true) {
                    require(j < line.length(), where + "unterminated label value");
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(j + 1 < line.length(), where + "dangling backslash");
                        char e = line.charAt(j + 1);
                        switch (e) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> throw new AssertionError(where + "invalid escape \\" + e);
                        }
                        j += 2;
                    } else {
                        value.append(c);
                        j++;
                    }
                }
                require(labels.put(label, value.toString()) == null, where + "duplicate label " + label);
                i = j + 1;
                require(i < line.length(), where + "unterminated label set");
                if (line.charAt(i) == ',') {
                    i++;
                } else {
                    require(line.charAt(i) == '}', where + "expected ',' or '}' after a label");
                }
            }
            i++;
        }
        require(i < line.length() && line.charAt(i) == ' ', where + "expected one space before the value");
        String[] rest = line.substring(i + 1).split(" ", -1);
        require(rest.length == 1 || rest.length == 2 && rest[1].matches("-?[0-9]+"), where + "bad value/timestamp");
        return new Sample(name, Map.copyOf(labels), parseValue(rest[0], where));
    }

    static double parseValue(String v, String where) {
        switch (v) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default:
                require(v.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?"), where + "bad value " + v);
                return Double.parseDouble(v);
        }
    }

    private static void checkHelpEscapes(String help, String where) {
        for (int i = 0; i < help.length(); i++) {
            if (help.charAt(i) == '\\') {
                require(i + 1 < help.length() && (help.charAt(i + 1) == '\\' || help.charAt(i + 1) == 'n'),
                        where + "invalid escape in HELP");
                i++;
            }
        }
    }

    private static void checkHistograms(List<Sample> samples, Map<String, String> types) {
        for (Map.Entry<String, String> t : types.entrySet()) {
            if (!t.getValue().equals("histogram")) {
                continue;
            }
            String name = t.getKey();
            Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
            Map<Map<String, String>, Double> counts = new HashMap<>();
            Set<Map<String, String>> sums = new HashSet<>();
            for (Sample s : samples) {
                if (s.name().equals(name + "_bucket")) {
                    require(s.labels().containsKey("le"), name + ": bucket without le");
                    Map<String, String> series = new HashMap<>(s.labels());
                    series.remove("le");
                    buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
                } else if (s.name().equals(name + "_count")) {
                    counts.put(s.labels(), s.value());
                } else if (s.name().equals(name + "_sum")) {
                    sums.add(s.labels());
                }
            }
            for (Map.Entry<Map<String, String>, List<Sample>> e : buckets.entrySet()) {
                double lastLe = Double.NEGATIVE_INFINITY;
                double lastCount = 0;
                for (Sample b : e.getValue()) {
                    double le = parseValue(b.labels().get("le"), name + " le: ");
                    require(le > lastLe, name + e.getKey() + ": le bounds not ascending at " + le);
                    require(b.value() >= lastCount, name + e.getKey() + ": bucket counts decrease at le=" + le);
                    lastLe = le;
                    lastCount = b.value();
                }
                require(lastLe == Double.POSITIVE_INFINITY, name + e.getKey() + ": no +Inf bucket");
                require(counts.containsKey(e.getKey()) && counts.get(e.getKey()) == lastCount,
                        name + e.getKey() + ": _count missing or not equal to the +Inf bucket");
                require(sums.contains(e.getKey()), name + e.getKey() + ": no _sum");
            }
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }
}
