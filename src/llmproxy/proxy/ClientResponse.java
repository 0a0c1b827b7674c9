package llmproxy.proxy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The client's side of one response: its head and body writes, each bounded by the write timeout. A write
 * blocked longer (the client stopped reading) is aborted by the {@link WriteWatchdog} and fails with an
 * IOException, like a client that left.
 */
final class ClientResponse implements AutoCloseable {
    private final HttpExchange exchange;
    private final WriteWatchdog watchdog;
    private final long timeoutNanos;
    private final Thread writer = Thread.currentThread();
    private volatile long blockedSince;
    private volatile boolean timedOut;
    private OutputStream out;

    ClientResponse(HttpExchange exchange, WriteWatchdog watchdog, long timeoutNanos) {
        this.exchange = exchange;
        this.watchdog = watchdog;
        this.timeoutNanos = timeoutNanos;
        if (watchdog != null && timeoutNanos > 0) {
            watchdog.watch(this);
        }
    }

    Headers headers() {
        return exchange.getResponseHeaders();
    }

    String requestMethod() {
        return exchange.getRequestMethod();
    }

    /** {@code length}: -1 no body, 0 chunked, n fixed. */
    void sendHead(int status, long length) throws IOException {
        begin();
        try {
            exchange.sendResponseHeaders(status, length);
        } finally {
            end();
        }
        out = exchange.getResponseBody();
    }

    /** Head and a body known in full; no body for HEAD or an empty one. */
    void sendFixed(int status, byte[] body) throws IOException {
        boolean none = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
        sendHead(status, none ? -1 : body.length);
        if (!none) {
            write(body);
            flush();
        }
    }

    boolean headSent() {
        return out != null;
    }

    void write(byte[] b, int off, int len) throws IOException {
        begin();
        try {
            out.write(b, off, len);
        } finally {
            end();
        }
    }

    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    void flush() throws IOException {
        begin();
        try {
            out.flush();
        } finally {
            end();
        }
    }

    /** Whether a write failed because it was blocked past the write timeout. */
    boolean timedOut() {
        return timedOut;
    }

    private void begin() throws IOException {
        if (timedOut) {
            throw new IOException("client stopped reading");
        }
        blockedSince = System.nanoTime();
    }

    private void end() {
        blockedSince = 0;
        if (timedOut) {
            Thread.interrupted(); // the interrupt was for the write that just failed, not for what follows
        }
    }

    void interruptIfBlockedSince(long now) {
        long since = blockedSince;
        if (since != 0 && now - since > timeoutNanos && !timedOut) {
            timedOut = true;
            writer.interrupt();
        }
    }

    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.unwatch(this);
        }
    }
}
