package llmproxy.proxy;

import llmproxy.config.ModelAlias;
import llmproxy.config.Route;
import llmproxy.config.Timeouts;
import llmproxy.json.JsonBody;
import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonScanner;
import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonWriter;
import llmproxy.logging.Log;
import llmproxy.logging.RequestTrace;
import llmproxy.protocol.Dialect;
import llmproxy.protocol.SseEvent;
import llmproxy.protocol.SseException;
import llmproxy.protocol.SseReader;
import llmproxy.routing.Candidate;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Rescues a streamed chat answer that broke after content reached the client ({@code fallback.resume_streams}):
 * the next candidates are asked to continue it - with the text so far as an assistant prefill where the backend
 * takes one, else by asking to continue and skipping what they repeat - and their text goes into the same client
 * stream with the original's ids and indexes, followed by one normal end.
 */
final class StreamRescue {
    static final String CONTINUE = "Continue exactly where you stopped; do not repeat anything.";

    /** How a continuation is asked for. */
    enum Strategy { PREFILL, ASK }

    /** The upshot: the candidate that finished the answer, or why none did ({@code clientGone}: the client left). */
    record Upshot(Candidate by, String failure, boolean clientGone) {
    }

    private final UpstreamClient upstream;
    private final Log log;
    /** Backend+model pairs that answered a prefill with "not supported": asked without one from then on. */
    private final Set<Candidate.Pair> noPrefill = ConcurrentHashMap.newKeySet();

    StreamRescue(UpstreamClient upstream, Log log) {
        this.upstream = upstream;
        this.log = log;
    }

    /** Continues {@code so} (the client's stream so far) with the first of {@code next} that can. */
    Upshot rescue(ProxyRequest request, RequestTrace trace, ClientResponse out, Transcript so, List<Candidate> next,
                  Timeouts timeouts) {
        if (so.toolCall()) {
            return new Upshot(null, "not resumed: it broke inside a tool call", false);
        }
        if (!so.resumable()) {
            return new Upshot(null, "not resumed: the answer is not plain text", false);
        }
        List<String> failures = new ArrayList<>();
        for (Candidate c : next) {
            Protocol protocol = Protocols.of(c.backend(), request.dialect());
            if (!protocol.carries(request)) {
                continue;
            }
            Timeouts t = c.backend().timeouts(timeouts);
            List<Strategy> strategies = prefill(request, c) ? List.of(Strategy.PREFILL, Strategy.ASK)
                    : List.of(Strategy.ASK);
            for (Strategy strategy : strategies) {
                Try attempt = attempt(request, trace, out, so, c, protocol, strategy, t);
                if (attempt == Try.DONE) {
                    return new Upshot(c, null, false);
                }
                if (attempt == Try.CLIENT_GONE) {
                    return new Upshot(c, "client disconnected during the continuation", true);
                }
                String why = trace.attempts().get(trace.attempts().size() - 1).error();
                failures.add(c.backend().name() + "/" + c.model() + " (" + strategy.name().toLowerCase(Locale.ROOT)
                        + "): " + why);
                if (attempt != Try.PREFILL_REFUSED) {
                    break;
                }
            }
        }
        return new Upshot(null, failures.isEmpty() ? "no other backend to continue it"
                : "no backend could continue it: " + String.join("; ", failures), false);
    }

    private enum Try { DONE, FAILED, PREFILL_REFUSED, CLIENT_GONE }

    /** One continuation attempt, recorded in the trace as its own attempt. */
    private Try attempt(ProxyRequest request, RequestTrace trace, ClientResponse out, Transcript so, Candidate c,
                        Protocol protocol, Strategy strategy, Timeouts t) {
        long t0 = System.nanoTime();
        String action = "continue stream (" + strategy.name().toLowerCase(Locale.ROOT) + ")";
        String url = c.backend().url().toString();
        UpstreamRequest prepared;
        try {
            prepared = withoutCompression(protocol.prepare(continuation(request, so.text(), strategy), c));
            url = prepared.uri().toString();
        } catch (Protocol.AttemptException | JsonException e) {
            return failed(trace, c, url, 0, "continuation cannot be built: " + Text.safe(e.getMessage()), action, t0);
        }
        long idle = TimeUnit.SECONDS.toNanos(t.streamIdleSeconds());
        Outcome outcome = upstream.send(prepared, TimeUnit.SECONDS.toNanos(t.responseHeaderSeconds()), idle);
        if (outcome instanceof Outcome.HttpError e) {
            if (strategy == Strategy.PREFILL && refusesPrefill(e)) {
                noPrefill.add(c.pair());
                failed(trace, c, url, e.status(), "prefill not supported; asking without it", action, t0);
                return Try.PREFILL_REFUSED;
            }
            return failed(trace, c, url, e.status(), "status " + e.status(), action, t0);
        }
        if (outcome instanceof Outcome.Transport tr) {
            return failed(trace, c, url, 0, tr.reason(), action, t0);
        }
        HttpResponse<UpstreamBody> response = ((Outcome.Success) outcome).response();
        String tail = strategy == Strategy.ASK ? so.text() : trailingSpace(so.text());
        Dialect speaks = Protocols.speaks(c.backend(), request.dialect());
        String broke = splice(response, speaks, so, new Overlap(tail), out, idle, includeUsage(request));
        int status = response.statusCode();
        if (broke == null) {
            trace.attempt(new RequestTrace.Attempt(c.backend().name(), c.model(), url, status, null, action, t0,
                    System.nanoTime(), c.viaAlias(), "ok"));
            return Try.DONE;
        }
        if (broke.startsWith(CLIENT_GONE)) {
            trace.attempt(new RequestTrace.Attempt(c.backend().name(), c.model(), url, status,
                    broke.substring(CLIENT_GONE.length()), "upstream cancelled", t0, System.nanoTime(), c.viaAlias(), "ok"));
            return Try.CLIENT_GONE;
        }
        return failed(trace, c, url, status, broke, action, t0);
    }

    private static final String CLIENT_GONE = "client gone: ";

    private Try failed(RequestTrace trace, Candidate c, String url, int status, String why, String action, long t0) {
        trace.attempt(new RequestTrace.Attempt(c.backend().name(), c.model(), url, status, why, action + " failed", t0,
                System.nanoTime(), c.viaAlias(), "stream_broken"));
        log.warn("[" + trace.requestId() + "] stream continuation failed: backend=" + c.backend().name() + " model="
                + c.model() + " " + why);
        return Try.FAILED;
    }

    /**
     * Relays the continuation's text into the client's stream; null when it ended the answer normally, else why
     * not ({@link #CLIENT_GONE} first when the client left).
     */
    private static String splice(HttpResponse<UpstreamBody> response, Dialect speaks, Transcript so, Overlap overlap,
                                 ClientResponse out, long idle, boolean includeUsage) {
        UpstreamBody body = response.body();
        if (!Relay.isEventStream(response)) {
            body.close();
            return "the continuation is not an event stream";
        }
        Transcript more = new Transcript(speaks);
        SseReader reader = new SseReader(Transcript.MAX_EVENT_BYTES);
        while (true) {
            List<ByteBuffer> batch;
            try {
                batch = body.next(idle);
            } catch (IOException e) {
                body.close();
                return UpstreamClient.classify(e).reason();
            }
            StringBuilder emit = new StringBuilder();
            if (batch != null) {
                try {
                    for (ByteBuffer b : batch) {
                        byte[] bytes = new byte[b.remaining()];
                        b.get(bytes);
                        for (SseEvent e : reader.feed(bytes)) {
                            String text;
                            try {
                                text = more.observe(e);
                            } catch (JsonException malformed) {
                                continue; // a single bad event; the continuation goes on
                            }
                            if (more.error() != null) {
                                throw new Transcript.Broken("the continuation sent an error event: " + more.error());
                            }
                            if (!more.resumable()) {
                                throw new Transcript.Broken("the continuation is not plain text");
                            }
                            emit.append(overlap.accept(text));
                        }
                    }
                } catch (SseException | Transcript.Broken e) {
                    body.close();
                    return Text.safe(e.getMessage());
                }
            } else {
                if (more.finish() == null) {
                    return "the continuation ended before the answer was complete";
                }
                emit.append(overlap.finish());
            }
            try {
                if (!emit.isEmpty()) {
                    out.write(so.textEvent(emit.toString()));
                }
                if (batch == null) {
                    out.write(so.endEvents(more.finish(), speaks, more, includeUsage));
                }
                out.flush();
            } catch (IOException e) {
                body.close();
                return CLIENT_GONE + (out.timedOut() ? "client stopped reading (write timeout)" : Text.safe(e.getMessage()));
            }
            if (batch == null) {
                return null;
            }
        }
    }

    /** Whether {@code c} is asked with a prefill: as its route says, else learned, else Anthropic's dialect does. */
    private boolean prefill(ProxyRequest request, Candidate c) {
        if (noPrefill.contains(c.pair())) {
            return false;
        }
        ModelAlias alias = request.snapshot().config().models().get(c.viaAlias());
        if (alias != null) {
            for (Route r : alias.routes()) {
                if (r.backend().equals(c.backend().name()) && r.model().equals(c.model()) && r.prefill() != null) {
                    return r.prefill();
                }
            }
        }
        return Protocols.speaks(c.backend(), request.dialect()) == Dialect.ANTHROPIC;
    }

    /** A 400 saying the backend does not continue from a trailing assistant message. */
    static boolean refusesPrefill(Outcome.HttpError e) {
        if (e.status() != 400) {
            return false;
        }
        byte[] plain = ErrorBodies.plain(e);
        String text = plain == null ? "" : new String(plain, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        return text.contains("prefill") || text.contains("assistant") && (text.contains("final")
                || text.contains("last") || text.contains("must end"));
    }

    /**
     * The client's request, asking to continue {@code text}: with it as a trailing assistant message (without the
     * trailing whitespace Anthropic refuses there), or followed by a user message asking to continue.
     */
    static ProxyRequest continuation(ProxyRequest r, String text, Strategy strategy) throws JsonException {
        JsonObject o = JsonParser.parseObject(r.body());
        if (!(o.get("messages") instanceof JsonArray messages)) {
            throw new JsonException("the request has no messages");
        }
        List<JsonValue> all = new ArrayList<>(messages.elements());
        String said = strategy == Strategy.PREFILL ? text.stripTrailing() : text;
        if (!said.isEmpty()) {
            all.add(JsonObject.builder().put("role", "assistant").put("content", said).build());
            if (strategy == Strategy.ASK) {
                all.add(JsonObject.builder().put("role", "user").put("content", CONTINUE).build());
            }
        }
        JsonObject.Builder b = JsonObject.builder();
        for (Map.Entry<String, JsonValue> m : o.members().entrySet()) {
            b.put(m.getKey(), m.getKey().equals("messages") ? JsonArray.of(all) : m.getValue());
        }
        byte[] body = JsonWriter.bytes(b.build());
        JsonBody json = JsonScanner.scan(body, body.length);
        return new ProxyRequest(r.id(), r.client(), r.method(), r.path(), r.rawQuery(), r.headers(), body, json,
                r.dialect(), r.snapshot(), r.startNanos());
    }

    /** The stream is read here, so it must come uncompressed. */
    private static UpstreamRequest withoutCompression(UpstreamRequest u) {
        List<UpstreamRequest.Header> headers = new ArrayList<>(u.headers());
        headers.removeIf(h -> h.name().equalsIgnoreCase("accept-encoding"));
        return new UpstreamRequest(u.backend(), u.uri(), u.method(), u.body(), headers);
    }

    private static String trailingSpace(String text) {
        return text.substring(text.stripTrailing().length());
    }

    /** Whether an OpenAI client asked for usage in its stream ({@code stream_options.include_usage}). */
    private static boolean includeUsage(ProxyRequest r) {
        if (r.dialect() != Dialect.OPENAI) {
            return true;
        }
        try {
            return JsonParser.parseObject(r.body()).get("stream_options") instanceof JsonObject so
                    && so.get("include_usage") instanceof JsonValue.JsonBool b && b.value();
        } catch (JsonException e) {
            return false;
        }
    }

    /**
     * Skips what a continuation repeats of {@code tail} (the text so far, or the whitespace a prefill lost): its
     * text is held while it could still be the start of such a repeat, then the longest repeat is cut off.
     */
    static final class Overlap {
        private final String tail;
        private final StringBuilder held = new StringBuilder();
        private boolean decided;

        Overlap(String tail) {
            this.tail = tail;
            this.decided = tail.isEmpty();
        }

        String accept(String piece) {
            if (decided) {
                return piece;
            }
            held.append(piece);
            if (held.length() < tail.length() && tail.contains(held)) {
                return "";
            }
            return finish();
        }

        String finish() {
            if (decided) {
                return "";
            }
            decided = true;
            String h = held.toString();
            for (int n = Math.min(h.length(), tail.length()); n > 0; n--) {
                if (h.startsWith(tail.substring(tail.length() - n))) {
                    return h.substring(n);
                }
            }
            return h;
        }
    }
}
