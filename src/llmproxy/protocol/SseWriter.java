package llmproxy.protocol;

import java.nio.charset.StandardCharsets;

/** Writes server-sent events; data holding line breaks becomes several {@code data:} lines. */
public final class SseWriter {
    private SseWriter() {
        throw new AssertionError();
    }

    /** An event with a name, as Anthropic streams use. */
    public static byte[] event(String name, String data) {
        StringBuilder sb = new StringBuilder(data.length() + name.length() + 16);
        sb.append("event: ").append(name).append('\n');
        appendData(sb, data);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An unnamed event, as OpenAI streams use. */
    public static byte[] data(String data) {
        StringBuilder sb = new StringBuilder(data.length() + 8);
        appendData(sb, data);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void appendData(StringBuilder sb, String data) {
        for (String line : data.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        sb.append('\n');
    }
}
