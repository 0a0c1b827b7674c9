package llmproxy.proxy;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One attempt as it goes on the wire, prepared by the backend's {@link Protocol}: target, method, body and
 * every header to send (the client's filtered ones already merged with the credential and configured ones).
 */
record UpstreamRequest(URI uri, String method, byte[] body, List<Header> headers) {
    UpstreamRequest {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(body, "body");
        headers = List.copyOf(headers);
    }

    record Header(String name, String value) {
    }
}
