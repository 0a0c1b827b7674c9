package llmproxy.proxy;

import com.sun.net.httpserver.Headers;
import llmproxy.json.JsonBody;
import llmproxy.protocol.Dialect;
import llmproxy.routing.Snapshot;

import java.util.Objects;

/**
 * One incoming request, as the proxy understood it: fixed before the first attempt and read by every one.
 * {@code headers} is the server's own map: treat it as read-only. {@code body} must not be changed either.
 *
 * @param client   who sent it: the client's address (and, with client keys, the key's name)
 * @param rawQuery the undecoded query, or null
 * @param json     the facts the one-pass scanner found in the body (model, stream)
 */
public record ProxyRequest(String id, String client, String method, String path, String rawQuery, Headers headers,
                           byte[] body, JsonBody json, Dialect dialect, Snapshot snapshot, long startNanos) {
    public ProxyRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    public String alias() {
        return json.model();
    }

    public boolean wantsStream() {
        return json.stream();
    }
}
