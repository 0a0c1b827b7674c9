package llmproxy.proxy;

import llmproxy.config.Backend;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One attempt as it goes on the wire, prepared by the backend's {@link Protocol}: target, method, body and
 * every header to send (the client's filtered ones merged with the credential and the configured ones);
 * {@code backend} picks the HttpClient (its egress proxy and connect timeout).
 */
record UpstreamRequest(Backend backend, URI uri, String method, byte[] body, List<Header> headers) {
    UpstreamRequest {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(body, "body");
        headers = List.copyOf(headers);
    }

    record Header(String name, String value) {
    }
}
