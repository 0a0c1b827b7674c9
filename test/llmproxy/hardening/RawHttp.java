package llmproxy.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a raw socket: sends exactly the bytes it is given (so a
 * test can send what no real client would) with {@code Connection: close}, and reads until the proxy
 * closes. A read that outlasts the timeout fails the test: the proxy must never hang.
 */
final class RawHttp {
    static final String PROXY_KEY = "sk-proxy-hardening-key-3f9a1c";

    private RawHttp() {
        throw new AssertionError();
    }

    /** The status of a response whose connection was closed before its head was complete. */
    static final int DROPPED = 0;

    /** What came back; {@code complete} is false when the body was cut short (abort, reset). */
    record Response(int status, Map<String, List<String>> headers, byte[] body, boolean complete, String head) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The status line, headers and body as text, for "no secret anywhere" checks and messages. */
        String all() {
            return head + "\r\n\r\n" + text();
        }

        boolean isJson() {
            String ct = header("content-type");
            return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/json");
        }
    }

    static byte[] get(String path) {
        return request("GET", path, null, List.of());
    }

    /** A POST of {@code json} to {@code path} carrying the proxy key. */
    static byte[] post(String path, String json) {
        return request("POST", path, json.getBytes(StandardCharsets.UTF_8),
                List.of("Authorization: Bearer " + PROXY_KEY, "Content-Type: application/json"));
    }

    /** A chat completion for {@code model}, streamed or not. */
    static byte[] chat(String model, boolean stream) {
        return post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    /** {@code body} null: no Content-Length. Host and Connection: close are added. */
    static byte[] request(String method, String path, byte[] body, List<String> headers) {
        StringBuilder sb = new StringBuilder();
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return head;
        }
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    static Socket connect(int port, Duration timeout) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        s.setSoTimeout((int) timeout.toMillis());
        return s;
    }

    /** Sends {@code request} and reads the whole answer; fails if the proxy has not finished within {@code timeout}. */
    static Response send(int port, byte[] request, Duration timeout) throws IOException {
        try (Socket s = connect(port, timeout)) {
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return read(s.getInputStream(), timeout);
        }
    }

    /** Reads until the peer closes, then parses; a reset ends the read like a close. */
    static Response read(InputStream in, Duration timeout) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        boolean reset = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no complete answer within " + timeout + "; got so far: "
                        + preview(all.toByteArray()));
            } catch (SocketException e) {
                reset = true;
                break;
            }
            if (n < 0) {
                break;
            }
            all.write(buf, 0, n);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("answer still streaming after " + timeout);
            }
        }
        return parse(all.toByteArray(), reset);
    }

    static Response parse(byte[] raw, boolean reset) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            return new Response(DROPPED, Map.of(), raw, false, "(connection " + (reset ? "reset" : "closed")
                    + " before a complete response head: " + preview(raw) + ")");
        }
        String head = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        int bodyStart = end + 4;
        if (status == 100) {
            return parse(java.util.Arrays.copyOfRange(raw, bodyStart, raw.length), reset);
        }
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete;
        if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            complete = dechunk(raw, bodyStart, body);
        } else if (cl != null) {
            int want = Integer.parseInt(cl.get(0));
            int have = Math.min(want, raw.length - bodyStart);
            body.write(raw, bodyStart, have);
            complete = have == want;
        } else {
            body.write(raw, bodyStart, raw.length - bodyStart);
            complete = !reset;
        }
        return new Response(status, headers, body.toByteArray(), complete, head);
    }

    /** True when the terminating zero-size chunk arrived. */
    private static boolean dechunk(byte[] raw, int pos, ByteArrayOutputStream body) {
        while (pos < raw.length) {
            int eol = indexOf(raw, new byte[] {'\r', '\n'}, pos);
            if (eol < 0) {
                return false;
            }
            String sizeField = new String(raw, pos, eol - pos, StandardCharsets.ISO_8859_1);
            int semi = sizeField.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeField : sizeField.substring(0, semi)).trim(), 16);
            if (size == 0) {
                return true;
            }
            int start = eol + 2;
            int have = Math.min(size, raw.length - start);
            body.write(raw, start, have);
            if (have < size) {
                return false;
            }
            pos = start + size + 2;
        }
        return false;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String preview(byte[] raw) {
        String s = new String(raw, 0, Math.min(raw.length, 400), StandardCharsets.ISO_8859_1);
        return raw.length > 400 ? s + "…" : s;
    }

    /** Writes {@code n} bytes of {@code b} in 64 KiB slices. */
    static void writeRepeated(OutputStream out, byte b, long n) throws IOException {
        byte[] slice = new byte[64 * 1024];
        java.util.Arrays.fill(slice, b);
        while (n > 0) {
            int k = (int) Math.min(slice.length, n);
            out.write(slice, 0, k);
            n -= k;
        }
        out.flush();
    }
}
