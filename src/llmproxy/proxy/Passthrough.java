package llmproxy.proxy;

import llmproxy.config.Backend;
import llmproxy.protocol.Credentials;
import llmproxy.routing.Candidate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte-exact protocol: the client's body goes upstream with only the model name rewritten, the answer comes
 * back as it arrives. Used whenever client and backend speak the same dialect.
 */
final class Passthrough implements Protocol {
    static final Passthrough INSTANCE = new Passthrough();

    private Passthrough() {
    }

    @Override
    public boolean carries(ProxyRequest request) {
        return true;
    }

    @Override
    public UpstreamRequest prepare(ProxyRequest r, Candidate c) throws AttemptException {
        Backend backend = c.backend();
        URI uri = uri(r, backend, r.path());
        byte[] body = c.model().equals(r.alias()) ? r.body() : r.json().withModel(r.body(), c.model());
        List<UpstreamRequest.Header> headers = new ArrayList<>(r.headers().size() + 3);
        HeaderFilter.requestHeaders(r.headers(), r.snapshot().clientKeys(), headers);
        uri = credentials(backend, r.headers().containsKey("x-api-key") ? Credentials.ClientStyle.X_API_KEY
                : Credentials.ClientStyle.BEARER, headers, uri);
        headers.add(new UpstreamRequest.Header("X-Request-ID", r.id()));
        return new UpstreamRequest(backend, uri, r.method(), body, headers);
    }

    /** The backend's URL for {@code path}, with the client's query minus any client key it carries. */
    static URI uri(ProxyRequest r, Backend backend, String path) throws AttemptException {
        try {
            return UpstreamUrl.join(backend.url(), path, Query.without(r.rawQuery(), r.snapshot().clientKeys()));
        } catch (IllegalArgumentException e) {
            throw new AttemptException("upstream URL is not valid: " + Text.safe(e.getMessage()));
        }
    }

    /**
     * Puts the backend's credential and configured headers over {@code headers} (replacing any of the same name)
     * and returns the URI, which a query-style credential extends. A value no header can carry (a key with a
     * stray control character) fails the attempt rather than the request.
     */
    static URI credentials(Backend backend, Credentials.ClientStyle style, List<UpstreamRequest.Header> headers,
                           URI uri) throws AttemptException {
        List<String> unsendable = new ArrayList<>(0);
        URI target = Credentials.apply(backend, style, (name, value) -> {
            if (!HeaderFilter.isValidValue(value)) {
                unsendable.add(name);
            }
            headers.removeIf(h -> h.name().equalsIgnoreCase(name));
            headers.add(new UpstreamRequest.Header(name, value));
        }, uri);
        if (!unsendable.isEmpty()) {
            throw new AttemptException("backend " + backend.name() + ": the value of " + unsendable
                    + " holds characters a header cannot carry");
        }
        return target;
    }

    @Override
    public Relay.Result relay(ProxyRequest r, HttpResponse<UpstreamBody> response, ClientResponse client,
                              long idleNanos, long firstTokenNanos) {
        return Relay.relay(client, response, r.wantsStream(), idleNanos, firstTokenNanos, r.snapshot().redactor(),
                resumable(r, response) ? new Transcript(r.dialect()) : null);
    }

    /**
     * Whether the answer is a chat stream that may be continued elsewhere should it break ({@code
     * fallback.resume_streams}); only then is it parsed on its way through. A compressed stream is not.
     */
    static boolean resumable(ProxyRequest r, HttpResponse<UpstreamBody> response) {
        if (!r.snapshot().config().fallback().resumeStreams() || !r.wantsStream() || !Relay.isEventStream(response)) {
            return false;
        }
        String encoding = response.headers().firstValue("content-encoding").orElse("identity");
        String path = r.path().startsWith("/v1/") ? r.path().substring(3) : r.path();
        return r.method().equals("POST") && encoding.equalsIgnoreCase("identity")
                && path.equals(r.dialect().chatPath().substring(3));
    }

    @Override
    public void relayError(ProxyRequest r, Outcome.HttpError e, ClientResponse client) throws IOException {
        ErrorBodies.relay(r, e, client, null);
    }
}
