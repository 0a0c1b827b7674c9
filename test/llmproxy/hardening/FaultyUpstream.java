package llmproxy.hardening;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving upstream on a raw loopback ServerSocket: reads each request, then does exactly what its
 * {@link Behaviour} says at the byte level (stall, reset, garbage), which no well-behaved HTTP server
 * library can be made to do.
 */
final class FaultyUpstream implements AutoCloseable {
    /** What to do with one connection once its request has been read. */
    @FunctionalInterface
    interface Behaviour {
        void serve(Socket socket, InputStream in, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();

    private FaultyUpstream(ServerSocket server, Behaviour behaviour) {
        this.server = server;
        this.behaviour = behaviour;
    }

    static FaultyUpstream start(Behaviour behaviour) throws IOException {
        FaultyUpstream u = new FaultyUpstream(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()), behaviour);
        Thread.ofVirtual().name("faulty-accept-" + u.port()).start(u::acceptLoop);
        return u;
    }

    /** A base URL on which nothing listens: connections are refused. */
    static String refusedUrl() throws IOException {
        return "http://127.0.0.1:" + ProxyProcess.freePort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            open.add(s);
            Thread.ofVirtual().start(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            readRequest(in);
            requests.incrementAndGet();
            behaviour.serve(s, in, s.getOutputStream());
        } catch (Exception peerGone) {
            // The proxy hung up: expected for most faults.
        } finally {
            open.remove(s);
        }
    }

    /** Reads the head and a Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        long length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        in.readNBytes((int) length);
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Requests read so far. */
    int requests() {
        return requests.get();
    }

    /** Connections this fake still holds open (the proxy has not hung up on them). */
    int openConnections() {
        return open.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }

    // ---- behaviours ----

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Blocks until the proxy closes the connection. */
    static void awaitClose(InputStream in) throws IOException {
        while (in.read() != -1) {
            // Discard anything further.
        }
    }

    static Behaviour neverAnswers() {
        return (s, in, out) -> awaitClose(in);
    }

    static Behaviour headersThenStall() {
        return (s, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":");
            awaitClose(in);
        };
    }

    /** Promises 1000 bytes, sends 100, then resets the connection (RST, not FIN). */
    static Behaviour resetsMidBody() {
        return (s, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                    + "x".repeat(100));
            Thread.sleep(50);
            s.setSoLinger(true, 0);
            s.close();
        };
    }

    static Behaviour malformedStatusLine() {
        return (s, in, out) -> write(out, "HTTP/1.1 abc\r\nContent-Length: 0\r\n\r\n");
    }

    static Behaviour invalidChunkedEncoding() {
        return (s, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nnot a chunk\r\n0\r\n\r\n");
            awaitClose(in);
        };
    }

    /** A 500 with a {@code size}-byte body, written in full if the proxy keeps reading. */
    static Behaviour enormousErrorBody(long size) {
        return (s, in, out) -> {
            write(out, "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: "
                    + size + "\r\n\r\n");
            RawHttp.writeRepeated(out, (byte) 'e', size);
        };
    }

    /** An SSE stream of two events that ends cleanly, but without {@code data: [DONE]}. */
    static Behaviour sseEndsWithoutDone() {
        return (s, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (String event : new String[] {"data: {\"n\":1}\n\n", "data: {\"n\":2}\n\n"}) {
                write(out, Integer.toHexString(event.length()) + "\r\n" + event + "\r\n");
            }
            write(out, "0\r\n\r\n");
        };
    }

    /** An SSE stream whose connection closes after one event, with no end-of-body chunk and no [DONE]. */
    static Behaviour sseConnectionDropped() {
        return (s, in, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
            String event = "data: {\"n\":1}\n\n";
            write(out, Integer.toHexString(event.length()) + "\r\n" + event + "\r\n");
            Thread.sleep(50);
        };
    }

    static Behaviour redirectsTo(String location) {
        return (s, in, out) -> write(out, "HTTP/1.1 302 Found\r\nLocation: " + location
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
}
