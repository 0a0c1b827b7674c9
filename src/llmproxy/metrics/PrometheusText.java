package llmproxy.metrics;

import java.util.List;
import java.util.Map;

/**
 * Writes families in the Prometheus text exposition format 0.0.4: per family a HELP and a TYPE line, then its
 * samples; label values escaped ({@code \\}, {@code \"}, {@code \n}); histograms as cumulative
 * {@code _bucket{le="…"}} series ending in {@code le="+Inf"}, then {@code _sum} and {@code _count}.
 */
final class PrometheusText {
    /** What a scrape answers with in {@code Content-Type}. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
        throw new AssertionError();
    }

    static void write(StringBuilder sb, List<Family<?>> families) {
        for (Family<?> f : families) {
            sb.append("# HELP ").append(f.name()).append(' ');
            escape(sb, f.help(), false);
            sb.append('\n');
            sb.append("# TYPE ").append(f.name()).append(' ').append(f.type().text()).append('\n');
            for (Map.Entry<List<String>, ? extends Metric> e : f.children()) {
                switch (e.getValue()) {
                    case Counter c -> sample(sb, f.name(), f.labelNames(), e.getKey(), null, null, c.value());
                    case Gauge g -> sample(sb, f.name(), f.labelNames(), e.getKey(), null, null, g.value());
                    case Histogram h -> histogram(sb, f, e.getKey(), h.snapshot());
                }
            }
        }
    }

    private static void histogram(StringBuilder sb, Family<?> f, List<String> values, Histogram.Snapshot s) {
        String bucket = f.name() + "_bucket";
        for (int i = 0; i < s.cumulative().length; i++) {
            String le = i < s.bounds().length ? number(s.bounds()[i]) : "+Inf";
            sample(sb, bucket, f.labelNames(), values, "le", le, s.cumulative()[i]);
        }
        sample(sb, f.name() + "_sum", f.labelNames(), values, null, null, s.sumSeconds());
        sample(sb, f.name() + "_count", f.labelNames(), values, null, null, s.count());
    }

    private static void sample(StringBuilder sb, String name, List<String> labels, List<String> values,
                               String extraLabel, String extraValue, double value) {
        sb.append(name);
        if (!labels.isEmpty() || extraLabel != null) {
            sb.append('{');
            for (int i = 0; i < labels.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(labels.get(i)).append("=\"");
                escape(sb, values.get(i), true);
                sb.append('"');
            }
            if (extraLabel != null) {
                sb.append(labels.isEmpty() ? "" : ",").append(extraLabel).append("=\"").append(extraValue).append('"');
            }
            sb.append('}');
        }
        sb.append(' ').append(number(value)).append('\n');
    }

    /** Integers without a fraction; +Inf, -Inf and NaN as the format spells them. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    /** HELP text escapes backslash and newline; label values also escape the double quote. */
    private static void escape(StringBuilder sb, String s, boolean quote) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '"' -> sb.append(quote ? "\\\"" : "\"");
                default -> sb.append(c);
            }
        }
    }
}
