package llmproxy.proxy;

import llmproxy.config.Backend;
import llmproxy.protocol.Credentials;
import llmproxy.protocol.Dialect;
import llmproxy.protocol.SseEvent;
import llmproxy.protocol.SseException;
import llmproxy.protocol.SseReader;
import llmproxy.protocol.StreamTranslator;
import llmproxy.protocol.TranslatedRequest;
import llmproxy.protocol.Translation;
import llmproxy.protocol.TranslationException;
import llmproxy.routing.Candidate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The protocol of a backend that speaks the other chat dialect: the request body is translated, the answer
 * (JSON or SSE, event by event) and error bodies are translated back, so the client sees only its own
 * protocol. Only the two chat endpoints can be translated; other paths are not carried.
 */
final class Translating implements Protocol {
    /** A non-streaming answer is translated whole, so it is bounded; so is one upstream event. */
    static final int MAX_ANSWER_BYTES = 64 << 20;
    static final int MAX_EVENT_BYTES = 16 << 20;

    static final Translating OPENAI_CLIENT_ANTHROPIC_BACKEND = new Translating(Dialect.OPENAI, Dialect.ANTHROPIC);
    static final Translating ANTHROPIC_CLIENT_OPENAI_BACKEND = new Translating(Dialect.ANTHROPIC, Dialect.OPENAI);

    private final Translation translation;

    private Translating(Dialect client, Dialect backend) {
        this.translation = Translation.between(client, backend);
    }

    @Override
    public boolean carries(ProxyRequest r) {
        String path = r.path().startsWith("/v1/") ? r.path().substring(3) : r.path();
        return r.method().equals("POST") && path.equals(translation.client().chatPath().substring(3));
    }

    @Override
    public UpstreamRequest prepare(ProxyRequest r, Candidate c) throws AttemptException {
        TranslatedRequest t;
        try {
            // Anthropic requires max_tokens: an OpenAI client that omits it gets the route's, else the config's default.
            t = translation.request(r.body(), c.model(), c.maxTokens());
        } catch (TranslationException e) {
            throw new AttemptException("request cannot be translated for " + c.backend().name() + ": "
                    + e.getMessage(), e.status(), translation.error(e));
        }
        Backend backend = c.backend();
        URI uri = Passthrough.uri(r, backend, translation.upstreamPath());
        List<UpstreamRequest.Header> headers = new ArrayList<>(r.headers().size() + 4);
        HeaderFilter.requestHeaders(r.headers(), r.snapshot().clientKeys(), headers);
        headers.removeIf(h -> isDialectHeader(h.name()));
        headers.add(new UpstreamRequest.Header("Content-Type", "application/json"));
        for (Map.Entry<String, String> h : translation.upstreamHeaders().entrySet()) {
            headers.add(new UpstreamRequest.Header(h.getKey(), h.getValue()));
        }
        // "The client's style" means the backend dialect's own style here: the client speaks the other one.
        uri = Passthrough.credentials(backend, translation.backend() == Dialect.ANTHROPIC
                ? Credentials.ClientStyle.X_API_KEY : Credentials.ClientStyle.BEARER, headers, uri);
        headers.add(new UpstreamRequest.Header("X-Request-ID", r.id()));
        return new UpstreamRequest(backend, uri, "POST", t.body(), headers);
    }

    /**
     * Headers that describe the client's dialect or body, not the translated one: the body is re-encoded as
     * plain JSON (the answer must be readable, so no compression), and one provider's version and beta
     * headers mean nothing to the other.
     */
    private static boolean isDialectHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("content-type") || n.equals("accept-encoding") || n.equals("content-encoding")
                || n.startsWith("anthropic-") || n.startsWith("openai-");
    }

    /**
     * Like the passthrough, nothing is committed before the answer carries content ({@link StreamGate}), so an
     * answer that fails early - or cannot be translated at all - is a failed attempt that may still fall back.
     */
    @Override
    public Relay.Result relay(ProxyRequest r, HttpResponse<UpstreamBody> response, ClientResponse client,
                              long idleNanos, long firstTokenNanos) {
        UpstreamBody body = response.body();
        boolean eventStream = Relay.isEventStream(response);
        StreamGate.Opening opening;
        try {
            opening = StreamGate.open(body, eventStream, idleNanos, firstTokenNanos);
        } catch (StreamGate.Closed e) {
            return new Relay.Result(Relay.End.FAILED_BEFORE_CONTENT, null, 0, e.outcome);
        }
        HeaderFilter.copyErrorHeaders(response.headers(), client.headers(), r.snapshot().redactor());
        client.headers().remove("Content-Encoding");
        if (r.wantsStream() && eventStream) {
            return relayStream(r, opening, body, client, idleNanos);
        }
        byte[] translated;
        try {
            byte[] answer = opening.held();
            if (!opening.ended()) {
                byte[] rest = body.readAtMost(MAX_ANSWER_BYTES + 1 - answer.length, idleNanos);
                answer = concat(answer, rest);
            }
            body.close();
            if (answer.length > MAX_ANSWER_BYTES) {
                throw new IOException("upstream answer larger than " + (MAX_ANSWER_BYTES >> 20) + " MiB");
            }
            translated = translation.response(answer);
        } catch (TranslationException | IOException e) {
            body.close();
            return new Relay.Result(Relay.End.FAILED_BEFORE_CONTENT, null, 0,
                    new Outcome.Transport(Outcome.Kind.PROTOCOL, "answer could not be translated: " + e.getMessage()));
        }
        client.headers().set("Content-Type", "application/json");
        try {
            client.sendFixed(response.statusCode(), translated);
        } catch (IOException e) {
            return gone(client, e, 0);
        }
        return new Relay.Result(Relay.End.COMPLETE, null, System.nanoTime());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Relay.Result relayStream(ProxyRequest r, StreamGate.Opening opening, UpstreamBody body,
                                     ClientResponse client, long idleNanos) {
        StreamTranslator st = translation.stream(translation.clientWantsUsage(r.body()));
        SseReader reader = new SseReader(MAX_EVENT_BYTES);
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try {
            for (SseEvent e : reader.feed(opening.held())) {
                st.onEvent(e, out::writeBytes);
            }
        } catch (TranslationException | SseException e) {
            body.close();
            return new Relay.Result(Relay.End.FAILED_BEFORE_CONTENT, null, 0,
                    new Outcome.Transport(Outcome.Kind.PROTOCOL, "stream could not be translated: " + e.getMessage()));
        }
        client.headers().set("Content-Type", "text/event-stream");
        client.headers().set("Cache-Control", "no-cache");
        long firstByte = 0;
        try {
            client.sendHead(200, 0);
            if (out.size() > 0) {
                // What the gate held is content already: it goes out now, not after the next upstream read.
                client.write(out.toByteArray());
                client.flush();
                out.reset();
                firstByte = System.nanoTime();
            }
        } catch (IOException e) {
            body.close();
            return gone(client, e, firstByte);
        }
        boolean ended = opening.ended();
        while (true) {
            List<ByteBuffer> batch = null;
            String broke = null;
            if (!ended) {
                try {
                    batch = body.next(idleNanos);
                } catch (IOException e) {
                    body.close();
                    broke = UpstreamClient.classify(e).reason();
                }
            }
            if (broke == null && batch == null) {
                if (!st.onEnd(out::writeBytes)) {
                    broke = "upstream stream ended before the answer was complete"; // the request path says so in-band
                }
            } else if (batch != null) {
                try {
                    for (ByteBuffer b : batch) {
                        byte[] bytes = new byte[b.remaining()];
                        b.get(bytes);
                        for (SseEvent e : reader.feed(bytes)) {
                            st.onEvent(e, out::writeBytes);
                        }
                    }
                } catch (TranslationException | SseException e) {
                    body.close();
                    broke = Text.safe(e.getMessage());
                }
            }
            try {
                if (out.size() > 0) {
                    client.write(out.toByteArray());
                    client.flush();
                    out.reset();
                    if (firstByte == 0) {
                        firstByte = System.nanoTime();
                    }
                }
            } catch (IOException e) {
                body.close();
                return gone(client, e, firstByte);
            }
            if (broke != null) {
                return new Relay.Result(Relay.End.UPSTREAM_BROKE, broke, firstByte);
            }
            if (batch == null) {
                return new Relay.Result(Relay.End.COMPLETE, null, firstByte);
            }
        }
    }

    private static Relay.Result gone(ClientResponse client, IOException e, long firstByte) {
        return new Relay.Result(Relay.End.CLIENT_GONE, client.timedOut() ? "client stopped reading (write timeout)"
                : Text.safe(e.getMessage()), firstByte);
    }

    @Override
    public void relayError(ProxyRequest r, Outcome.HttpError e, ClientResponse client) throws IOException {
        ErrorBodies.relay(r, e, client, translation);
    }
}
