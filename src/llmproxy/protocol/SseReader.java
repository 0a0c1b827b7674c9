package llmproxy.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental server-sent-events parser (WHATWG event-stream rules): feed byte chunks as they arrive
 * and get back the events they complete. Lines end in CRLF, LF or CR, even when a CRLF is split across
 * two chunks; {@code :} lines are comments; several {@code data:} lines join with {@code \n}; {@code id}
 * and {@code retry} are ignored. One event may hold at most {@code maxEventBytes} bytes of lines, so a
 * hostile upstream cannot grow the heap without bound. Not thread-safe: one reader per stream.
 */
public final class SseReader {
    private final int maxEventBytes;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private boolean started;
    private int eventBytes;
    private String eventName;
    private StringBuilder data;

    public SseReader(int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive");
        }
        this.maxEventBytes = maxEventBytes;
    }

    /** Consumes {@code buf[off, off+len)} and returns the events it completed, in order. */
    public List<SseEvent> feed(byte[] buf, int off, int len) throws SseException {
        List<SseEvent> events = new ArrayList<>(2);
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\r' || b == '\n') {
                afterCr = b == '\r';
                endLine(events);
            } else {
                append(b);
            }
        }
        return events;
    }

    public List<SseEvent> feed(byte[] buf) throws SseException {
        return feed(buf, 0, buf.length);
    }

    /** Whether bytes of an unfinished event are pending: at end of stream that event is lost. */
    public boolean hasPartialEvent() {
        return lineLength > 0 || data != null || eventName != null;
    }

    private void append(byte b) throws SseException {
        if (++eventBytes > maxEventBytes) {
            throw new SseException("upstream event larger than " + maxEventBytes + " bytes");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, maxEventBytes));
        }
        line[lineLength++] = b;
    }

    private void endLine(List<SseEvent> events) {
        int from = 0;
        if (!started) {
            started = true;
            // A byte-order mark may precede the first line only.
            if (lineLength >= 3 && (line[0] & 0xff) == 0xef && (line[1] & 0xff) == 0xbb && (line[2] & 0xff) == 0xbf) {
                from = 3;
            }
        }
        int n = lineLength - from;
        lineLength = 0;
        if (n == 0) {
            dispatch(events);
            return;
        }
        if (line[from] == ':') {
            if (data == null && eventName == null) {
                eventBytes = 0; // keep-alive comments between events do not add up
            }
            return;
        }
        int colon = -1;
        for (int i = from; i < from + n; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        String field;
        String value;
        if (colon < 0) {
            field = new String(line, from, n, StandardCharsets.UTF_8);
            value = "";
        } else {
            field = new String(line, from, colon - from, StandardCharsets.UTF_8);
            int v = colon + 1;
            if (v < from + n && line[v] == ' ') {
                v++;
            }
            value = new String(line, v, from + n - v, StandardCharsets.UTF_8);
        }
        switch (field) {
            case "event" -> eventName = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value.length());
                } else {
                    data.append('\n');
                }
                data.append(value);
            }
            default -> {
                // id, retry and unknown fields carry nothing a translator needs.
            }
        }
    }

    private void dispatch(List<SseEvent> events) {
        if (data != null) {
            events.add(new SseEvent(eventName, data.toString()));
        }
        data = null;
        eventName = null;
        eventBytes = 0;
    }
}
