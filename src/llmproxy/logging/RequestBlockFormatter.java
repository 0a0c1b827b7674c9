package llmproxy.logging;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Turns a finished {@link RequestTrace} into the multi-line per-request block and the one-line metrics record.
 * Runs on the writer thread. Every value in a block came from a client or an upstream, so each is escaped
 * ({@link LogText}): the block's own line breaks are the only ones in it, and every line but the first is
 * indented. Credential headers are masked by name; the request body is masked before it is cut, so a cut never
 * leaves half a key.
 */
final class RequestBlockFormatter {
    static final String NL = LineFormat.NL;
    /** A body's own line breaks continue it on a line indented deeper than the block's detail lines. */
    private static final String BODY_BREAK = NL + "    ";
    /** Extra body bytes masked past the cut so a key straddling it is still recognised whole. */
    private static final int MASK_MARGIN = 512;

    private final TimestampCache timestamps;

    RequestBlockFormatter(TimestampCache timestamps) {
        this.timestamps = timestamps;
    }

    /** The block; its first line is a summary, the detail lines are indented. No trailing separator. */
    String block(RequestTrace t, int maxBodyBytes, SecretMasker masker) {
        StringBuilder sb = new StringBuilder(512);
        text(sb.append("request "), t.requestId()).append(": ");
        text(sb, t.method()).append(' ');
        text(sb, t.path()).append(" -> ").append(t.finalStatus()).append(' ');
        text(sb, t.result());
        sb.append(NL).append("  time: ").append(timestamps.withMillis(t.startMillis()));
        text(sb.append(NL).append("  client: "), t.client());
        if (!t.keyName().isEmpty()) {
            text(sb.append(NL).append("  key_name: "), t.keyName());
        }
        text(sb.append(NL).append("  alias: "), t.alias());
        sb.append(NL).append("  headers:");
        for (Map.Entry<String, List<String>> h : t.requestHeaders().entrySet()) {
            for (String v : h.getValue()) {
                text(sb.append(NL).append("    "), h.getKey()).append(": ");
                text(sb, masker.maskHeader(h.getKey(), v));
            }
        }
        appendBody(sb, t.requestBody(), maxBodyBytes, masker);
        int n = 0;
        for (RequestTrace.Attempt a : t.attempts()) {
            sb.append(NL).append("  attempt ").append(++n).append(": backend=");
            text(sb, a.backend()).append(" model=");
            text(sb, a.model()).append(" url=");
            text(sb, a.url());
            if (a.status() >= 0) {
                sb.append(" status=").append(a.status());
            }
            if (a.error() != null && !a.error().isEmpty()) {
                text(sb.append(" error="), a.error());
            }
            text(sb.append(" action="), a.action()).append(" took=");
            Durations.appendMillis(sb, a.endNanos() - a.startNanos());
        }
        sb.append(NL).append("  result: status=").append(t.finalStatus()).append(" backend=");
        text(sb, t.finalBackend()).append(" result=");
        text(sb, t.result());
        appendDurations(sb, t);
        return sb.toString();
    }

    /**
     * {@code [rid] metrics: alias=a status=200 backend=b attempts=2 ttfb=40.1ms total=80.0ms
     * backends=[b1/m1:12.3ms:503, b2/m2:40.1ms:200]}; a transport failure shows {@code error} as its status.
     * One line, escaped as every line is by {@link LineFormat}.
     */
    String metrics(RequestTrace t) {
        StringBuilder sb = new StringBuilder(160);
        sb.append('[').append(t.requestId()).append("] metrics: alias=").append(t.alias())
                .append(" status=").append(t.finalStatus()).append(" backend=").append(t.finalBackend())
                .append(" attempts=").append(t.attempts().size());
        appendDurations(sb, t);
        sb.append(" backends=[");
        String sep = "";
        for (RequestTrace.Attempt a : t.attempts()) {
            sb.append(sep).append(a.backend()).append('/').append(a.model()).append(':');
            Durations.appendMillis(sb, a.endNanos() - a.startNanos());
            sb.append(':');
            if (a.status() >= 0) {
                sb.append(a.status());
            } else {
                sb.append("error");
            }
            sep = ", ";
        }
        return sb.append(']').toString();
    }

    private static StringBuilder text(StringBuilder sb, String value) {
        return LogText.append(sb, value);
    }

    private static void appendBody(StringBuilder sb, byte[] body, int maxBodyBytes, SecretMasker masker) {
        if (body == null) {
            sb.append(NL).append("  body: (none)");
            return;
        }
        int limit = Math.max(0, maxBodyBytes);
        sb.append(NL).append("  body (").append(body.length).append(" bytes): ");
        if (body.length <= limit) {
            LogText.appendBody(sb, masker.mask(new String(body, StandardCharsets.UTF_8)), BODY_BREAK);
            return;
        }
        int window = (int) Math.min(body.length, (long) limit + MASK_MARGIN);
        byte[] masked = masker.mask(new String(body, 0, window, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        LogText.appendBody(sb, new String(masked, 0, Math.min(limit, masked.length), StandardCharsets.UTF_8), BODY_BREAK)
                .append("...[truncated ").append(body.length - limit).append(" bytes]");
    }

    private static void appendDurations(StringBuilder sb, RequestTrace t) {
        sb.append(" ttfb=");
        if (t.firstByteNanos() == 0) {
            sb.append('-');
        } else {
            Durations.appendMillis(sb, t.firstByteNanos() - t.startNanos());
        }
        sb.append(" total=");
        if (t.lastByteNanos() == 0) {
            sb.append('-');
        } else {
            Durations.appendMillis(sb, t.lastByteNanos() - t.startNanos());
        }
    }
}
