package llmproxy.proxy;

import llmproxy.logging.Redactor;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Copies a successful upstream response to the client as it arrives: every network read is written
 * and flushed at once, so SSE events reach the client live and nothing is held back or re-framed.
 */
final class Relay {
    /** How a relay ended. */
    enum End {
        COMPLETE, UPSTREAM_BROKE, CLIENT_GONE,
        /** Nothing reached the client, not even the status: the attempt failed as if it never answered. */
        FAILED_BEFORE_CONTENT
    }

    /**
     * The end, a reason when it broke, when the first body byte went out (0 when none did), and for
     * {@link End#FAILED_BEFORE_CONTENT} what the attempt came to.
     */
    record Result(End end, String reason, long firstByteNanos, Outcome failure, Transcript transcript) {
        Result(End end, String reason, long firstByteNanos) {
            this(end, reason, firstByteNanos, null, null);
        }

        Result(End end, String reason, long firstByteNanos, Outcome failure) {
            this(end, reason, firstByteNanos, failure, null);
        }
    }

    private Relay() {
        throw new AssertionError();
    }

    /**
     * Relays the answer; nothing is sent before it carries content (see {@link StreamGate}), so an attempt that
     * fails before then ends {@link End#FAILED_BEFORE_CONTENT} and may still fall back.
     */
    static Result relay(ClientResponse client, HttpResponse<UpstreamBody> response, boolean requestedStream,
                        long idleNanos, long firstTokenNanos, Redactor redactor) {
        return relay(client, response, requestedStream, idleNanos, firstTokenNanos, redactor, null);
    }

    /**
     * As above; with a {@code transcript} (an SSE chat stream that may be resumed), the stream goes out event by
     * event as it came, minus single malformed events, and an end before the answer's finish is a break.
     */
    static Result relay(ClientResponse client, HttpResponse<UpstreamBody> response, boolean requestedStream,
                        long idleNanos, long firstTokenNanos, Redactor redactor, Transcript transcript) {
        UpstreamBody body = response.body();
        int status = response.statusCode();
        boolean eventStream = isEventStream(response);
        long length = responseLength(client.requestMethod(), response, status, eventStream || requestedStream);
        StreamGate.Opening opening = new StreamGate.Opening(new byte[0], false);
        if (length != -1) {
            try {
                opening = StreamGate.open(body, eventStream, idleNanos, firstTokenNanos);
            } catch (StreamGate.Closed e) {
                return new Result(End.FAILED_BEFORE_CONTENT, null, 0, e.outcome);
            }
        }
        HeaderFilter.copyResponseHeaders(response.headers(), client.headers(), redactor);
        long firstByte = 0;
        try {
            client.sendHead(status, length);
            byte[] held = opening.held();
            if (transcript != null) {
                held = transcript.relay(held, 0, held.length);
            }
            if (held.length > 0) {
                client.write(held);
                client.flush();
                firstByte = System.nanoTime();
            }
        } catch (IOException e) {
            body.close();
            return clientGone(client, e, firstByte);
        } catch (Transcript.Broken e) {
            body.close();
            return broke(client, e, firstByte, transcript);
        }
        if (opening.ended()) {
            return ended(client, firstByte, transcript);
        }
        while (true) {
            List<ByteBuffer> batch;
            try {
                batch = body.next(idleNanos);
            } catch (IOException e) {
                body.close();
                if (client.timedOut()) {
                    return clientGone(client, e, firstByte);
                }
                return broke(client, UpstreamClient.classify(e).reason(), firstByte, transcript);
            }
            if (batch == null) {
                return ended(client, firstByte, transcript);
            }
            if (length == -1) {
                continue; // HEAD, 204, 304: the client expects no body.
            }
            try {
                for (ByteBuffer b : batch) {
                    int n = b.remaining();
                    if (n == 0) {
                        continue;
                    }
                    if (transcript != null) {
                        byte[] copy = new byte[n];
                        b.get(copy);
                        client.write(transcript.relay(copy, 0, n));
                    } else if (b.hasArray()) {
                        client.write(b.array(), b.arrayOffset() + b.position(), n);
                    } else {
                        byte[] copy = new byte[n];
                        b.get(copy);
                        client.write(copy);
                    }
                }
                client.flush();
                if (firstByte == 0) {
                    firstByte = System.nanoTime();
                }
            } catch (IOException e) {
                body.close();
                return clientGone(client, e, firstByte);
            } catch (Transcript.Broken e) {
                body.close();
                return broke(client, e, firstByte, transcript);
            }
        }
    }

    /** The upstream body ended; with a transcript, an answer without its finish broke off rather than ended. */
    private static Result ended(ClientResponse client, long firstByte, Transcript transcript) {
        if (transcript != null && !transcript.complete()) {
            return new Result(End.UPSTREAM_BROKE, "upstream stream ended before the answer was complete", firstByte,
                    null, transcript);
        }
        try {
            if (transcript != null) {
                client.write(transcript.closing());
            }
            client.flush();
        } catch (IOException e) {
            return clientGone(client, e, firstByte);
        }
        return new Result(End.COMPLETE, null, firstByte, null, transcript);
    }

    /** The events before the one that broke the stream still go out. */
    private static Result broke(ClientResponse client, Transcript.Broken e, long firstByte, Transcript transcript) {
        try {
            if (e.before.length > 0) {
                client.write(e.before);
                client.flush();
            }
        } catch (IOException gone) {
            return clientGone(client, gone, firstByte);
        }
        return broke(client, e.getMessage(), firstByte == 0 && e.before.length > 0 ? System.nanoTime() : firstByte,
                transcript);
    }

    /** The upstream broke; an answer whose finish already came only lacked its last event, which it gets. */
    private static Result broke(ClientResponse client, String reason, long firstByte, Transcript transcript) {
        if (transcript != null && transcript.complete()) {
            return ended(client, firstByte, transcript);
        }
        return new Result(End.UPSTREAM_BROKE, reason, firstByte, null, transcript);
    }

    private static Result clientGone(ClientResponse client, IOException e, long firstByte) {
        return new Result(End.CLIENT_GONE, client.timedOut() ? "client stopped reading (write timeout)"
                : Text.safe(e.getMessage()), firstByte);
    }

    static boolean isEventStream(HttpResponse<?> response) {
        String ct = first(response, "content-type");
        return ct != null && ct.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    /** The first value of a header; HttpHeaders.firstValue builds a stream per call, this is a map lookup. */
    private static String first(HttpResponse<?> response, String name) {
        List<String> values = response.headers().map().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** -1: no body; 0: chunked, flushed as it comes; n: the upstream's own Content-Length. */
    private static long responseLength(String method, HttpResponse<?> response, int status, boolean streaming) {
        if (method.equals("HEAD") || status == 204 || status == 304) {
            return -1;
        }
        if (streaming) {
            return 0;
        }
        String declared = first(response, "content-length");
        if (declared != null) {
            try {
                long n = Long.parseLong(declared.trim());
                return n > 0 ? n : -1;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
