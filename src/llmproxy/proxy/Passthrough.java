package llmproxy.proxy;

import llmproxy.config.Backend;
import llmproxy.config.Secret;
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
        Secret proxyKey = r.snapshot().config().proxyApiKey();
        URI uri;
        try {
            uri = UpstreamUrl.join(backend.url(), r.path(), Query.without(r.rawQuery(), proxyKey));
        } catch (IllegalArgumentException e) {
            throw new AttemptException("upstream URL is not valid: " + Text.safe(e.getMessage()));
        }
        byte[] body = c.model().equals(r.alias()) ? r.body() : r.json().withModel(r.body(), c.model());
        List<UpstreamRequest.Header> headers = new ArrayList<>(r.headers().size() + 3);
        HeaderFilter.requestHeaders(r.headers(), proxyKey, headers);
        if (backend.apiKey().isSet()) {
            String key = backend.apiKey().value();
            if (!HeaderFilter.isValidValue(key)) {
                throw new AttemptException("backend " + backend.name()
                        + " api_key holds characters a header cannot carry");
            }
            if (r.headers().containsKey("x-api-key")) {
                headers.add(new UpstreamRequest.Header("x-api-key", key));
            } else {
                headers.add(new UpstreamRequest.Header("Authorization", "Bearer " + key));
            }
        }
        headers.add(new UpstreamRequest.Header("X-Request-ID", r.id()));
        return new UpstreamRequest(uri, r.method(), body, headers);
    }

    @Override
    public Relay.Result relay(ProxyRequest r, HttpResponse<UpstreamBody> response, ClientResponse client,
                              long idleNanos, long firstTokenNanos) {
        return Relay.relay(client, response, r.wantsStream(), idleNanos, firstTokenNanos);
    }

    @Override
    public void relayError(ProxyRequest r, Outcome.HttpError e, ClientResponse client) throws IOException {
        if (e.truncated()) {
            // A cut body (maybe compressed) would reach the client corrupt: say what happened instead.
            client.headers().set("Content-Type", "application/json");
            client.sendFixed(e.status(), ErrorResponses.body(r.dialect(), e.status(), "upstream_error_too_large",
                    "the upstream's error answer (status " + e.status() + ") was larger than "
                            + UpstreamClient.ERROR_BODY_CAP / 1024 + " KiB and was dropped"));
            return;
        }
        HeaderFilter.copyErrorHeaders(e.headers(), client.headers());
        client.sendFixed(e.status(), e.body());
    }
}
