package llmproxy.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP forward proxy on 127.0.0.1: {@code CONNECT host:port} tunnels and absolute-form plain HTTP
 * requests. With credentials it answers 407 (Basic challenge) to any request without the right
 * {@code Proxy-Authorization}. It records what it tunnelled and forwarded and the credentials it saw.
 */
public final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String expectedAuth;
    private final List<String> tunnels = new CopyOnWriteArrayList<>();
    private final List<String> forwarded = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private final AtomicInteger challenges = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private ConnectProxy(ServerSocket server, String expectedAuth) {
        this.server = server;
        this.expectedAuth = expectedAuth;
    }

    /** {@code user} null: no authentication required. */
    public static ConnectProxy start(String user, String password) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        String auth = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        ConnectProxy p = new ConnectProxy(s, auth);
        Thread.ofVirtual().start(p::acceptLoop);
        return p;
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url(String userInfo) {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + port();
    }

    /** The {@code host:port} of each CONNECT that was allowed. */
    public List<String> tunnels() {
        return tunnels;
    }

    /** The request line of each plain HTTP request forwarded. */
    public List<String> forwarded() {
        return forwarded;
    }

    /** How many 407 challenges were sent. */
    public int challenges() {
        return challenges.get();
    }

    /** Every request header line the proxy received. */
    public List<String> headersSeen() {
        return headers;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String requestLine = lines[0];
                String auth = null;
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0 && lines[i].substring(0, colon).equalsIgnoreCase("Proxy-Authorization")) {
                        auth = lines[i].substring(colon + 1).strip();
                    }
                    headers.add(lines[i]);
                }
                if (expectedAuth != null && !expectedAuth.equals(auth)) {
                    challenges.incrementAndGet();
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (requestLine.startsWith("CONNECT ")) {
                        continue;
                    }
                    skipBody(in, lines);
                    continue;
                }
                String[] parts = requestLine.split(" ");
                if (parts[0].equals("CONNECT")) {
                    String target = parts[1];
                    int colon = target.lastIndexOf(':');
                    Socket upstream = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
                    open.add(upstream);
                    tunnels.add(target);
                    out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    pipe(client, upstream);
                    return;
                }
                URI uri = URI.create(parts[1]);
                Socket upstream = new Socket(uri.getHost(), uri.getPort());
                open.add(upstream);
                forwarded.add(requestLine);
                StringBuilder rewritten = new StringBuilder(parts[0] + " " + uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " " + parts[2] + "\r\n");
                for (int i = 1; i < lines.length; i++) {
                    String name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).toLowerCase(Locale.ROOT);
                    if (!name.startsWith("proxy-")) {
                        rewritten.append(lines[i]).append("\r\n");
                    }
                }
                upstream.getOutputStream().write(rewritten.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                // From here on the connection is a plain pipe to this target (good enough for tests).
                pipe(client, upstream);
                return;
            }
        } catch (IOException | RuntimeException e) {
            // A test proxy: a broken connection just ends.
        }
    }

    private static void skipBody(InputStream in, String[] lines) throws IOException {
        for (String l : lines) {
            if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(l.substring(15).strip()));
            }
        }
    }

    private static void pipe(Socket client, Socket upstream) throws IOException {
        try (upstream) {
            Thread back = Thread.ofVirtual().start(() -> {
                try {
                    upstream.getInputStream().transferTo(client.getOutputStream());
                } catch (IOException e) {
                    // Closed.
                } finally {
                    try {
                        client.shutdownOutput();
                    } catch (IOException ignored) {
                        // Already closed.
                    }
                }
            });
            try {
                client.getInputStream().transferTo(upstream.getOutputStream());
                upstream.shutdownOutput();
            } catch (IOException e) {
                // Closed.
            }
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request head up to the blank line, or null at end of stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            buf.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
