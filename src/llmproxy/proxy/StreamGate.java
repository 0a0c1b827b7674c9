package llmproxy.proxy;

import llmproxy.protocol.SseEvent;
import llmproxy.protocol.SseException;
import llmproxy.protocol.SseReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Holds an answer back until it carries content, so that nothing is committed to the client (not even the
 * status line) while a fallback is still possible. For SSE, lifecycle events that carry no content yet (role-only
 * deltas, {@code message_start}, {@code ping}, comments …) are held too, up to {@link #HOLD_CAP}; an error event
 * among them fails the attempt. Other bodies are held until their first bytes.
 */
final class StreamGate {
    static final int HOLD_CAP = 64 * 1024;

    /** What the gate let through: the held bytes, and whether the body already ended. */
    record Opening(byte[] held, boolean ended) {
    }

    /** The attempt failed before any content: an in-band error event ({@code errorData} set), a cut or a stall. */
    static final class Closed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Outcome outcome;

        Closed(Outcome outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }

    private StreamGate() {
        throw new AssertionError();
    }

    /**
     * Reads until the answer may be committed. {@code firstTokenNanos} (0 = none) bounds the wait for content;
     * {@code idleNanos} bounds each read.
     */
    static Opening open(UpstreamBody body, boolean eventStream, long idleNanos, long firstTokenNanos)
            throws Closed {
        long deadline = firstTokenNanos > 0 ? System.nanoTime() + firstTokenNanos : Long.MAX_VALUE;
        Held held = new Held(eventStream ? 1024 : 8192);
        SseReader events = new SseReader(HOLD_CAP);
        while (true) {
            long wait = Math.min(idleNanos, deadline - System.nanoTime());
            List<ByteBuffer> batch;
            try {
                if (wait <= 0) {
                    throw new HttpTimeoutException("first token");
                }
                batch = body.next(wait);
            } catch (HttpTimeoutException e) {
                body.close();
                boolean firstToken = System.nanoTime() - deadline >= 0;
                throw new Closed(new Outcome.Transport(Outcome.Kind.TIMEOUT, firstToken
                        ? "no content within " + TimeUnit.NANOSECONDS.toSeconds(firstTokenNanos) + "s (first_token_seconds)"
                        : "no data from upstream for " + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + "s"));
            } catch (IOException e) {
                body.close();
                throw new Closed(UpstreamClient.classify(e));
            }
            if (batch == null) {
                return new Opening(held.toByteArray(), true);
            }
            int from = held.size();
            for (ByteBuffer b : batch) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                held.writeBytes(bytes);
            }
            if (!eventStream) {
                if (held.size() > 0) {
                    return new Opening(held.toByteArray(), false);
                }
                continue;
            }
            List<SseEvent> completed;
            try {
                completed = events.feed(held.buffer(), from, held.size() - from);
            } catch (SseException e) {
                return new Opening(held.toByteArray(), false); // one event past the cap: no longer held
            }
            for (SseEvent e : completed) {
                switch (SseEvents.classify(e)) {
                    case CONTENT -> {
                        return new Opening(held.toByteArray(), false);
                    }
                    case ERROR -> {
                        body.close();
                        throw new Closed(SseEvents.asHttpError(e.data()));
                    }
                    case LIFECYCLE -> {
                        // Keep holding.
                    }
                }
            }
            if (held.size() >= HOLD_CAP) {
                return new Opening(held.toByteArray(), false);
            }
        }
    }

    /** Exposes its buffer, so each batch is parsed where it was written, not from a fresh copy of all held so far. */
    private static final class Held extends ByteArrayOutputStream {
        Held(int size) {
            super(size);
        }

        byte[] buffer() {
            return buf;
        }
    }
}
