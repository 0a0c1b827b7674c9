package llmproxy.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What happened to one proxied request, filled in by its request thread and handed to {@link Log#request}
 * when it ends; the log formats it later, off the request thread. Not thread-safe: one owner at a time.
 * Times are {@link System#nanoTime()} values.
 */
public final class RequestTrace {
    /**
     * One upstream attempt. {@code status} is -1 for a transport failure, whose reason is {@code error}.
     * {@code via} is the alias that led to it (another than the request's: an L2 fallback); {@code outcome} a
     * word from a small fixed set (ok, http_4xx, timeout …) for metrics.
     */
    public record Attempt(String backend, String model, String url, int status, String error, String action,
                          long startNanos, long endNanos, String via, String outcome) {
        public Attempt(String backend, String model, String url, int status, String error, String action,
                       long startNanos, long endNanos) {
            this(backend, model, url, status, error, action, startNanos, endNanos, "", "");
        }
    }

    private final String requestId;
    private final long startMillis;
    private final long startNanos;
    private final String client;
    private final String method;
    private final String path;
    private final List<Attempt> attempts = new ArrayList<>(2);
    private Map<String, List<String>> requestHeaders = Map.of();
    private byte[] requestBody;
    private String alias = "";
    private int finalStatus;
    private String finalBackend = "";
    private String result = "";
    private long firstByteNanos;
    private long lastByteNanos;
    private String keyName = "";
    private boolean stream;

    public RequestTrace(String requestId, long startMillis, long startNanos, String client, String method, String path) {
        this.requestId = requestId;
        this.startMillis = startMillis;
        this.startNanos = startNanos;
        this.client = client;
        this.method = method;
        this.path = path;
    }

    /** Keeps a reference: the caller must not change the array afterwards. */
    public void request(Map<String, List<String>> headers, byte[] body, String alias) {
        this.requestHeaders = headers;
        this.requestBody = body;
        this.alias = alias;
    }

    public void attempt(Attempt attempt) {
        attempts.add(attempt);
    }

    public void firstByte(long nanos) {
        if (firstByteNanos == 0) {
            firstByteNanos = nanos;
        }
    }

    /** Records the final answer: its status, the backend that gave it (empty for the proxy) and a word on it. */
    public void finish(int status, String backend, String result, long endNanos) {
        this.finalStatus = status;
        this.finalBackend = backend == null ? "" : backend;
        this.result = result;
        this.lastByteNanos = endNanos;
    }

    /** The name of the client key the request came with (never the key). */
    public void keyName(String name) {
        this.keyName = name == null ? "" : name;
    }

    public void stream(boolean stream) {
        this.stream = stream;
    }

    public String keyName() { return keyName; }
    public boolean stream() { return stream; }
    public String requestId() { return requestId; }
    public long startMillis() { return startMillis; }
    public long startNanos() { return startNanos; }
    public String client() { return client; }
    public String method() { return method; }
    public String path() { return path; }
    public String alias() { return alias; }
    public Map<String, List<String>> requestHeaders() { return requestHeaders; }
    /** The raw request body, or null when none was read. */
    public byte[] requestBody() { return requestBody; }
    public List<Attempt> attempts() { return attempts; }
    public int finalStatus() { return finalStatus; }
    public String finalBackend() { return finalBackend; }
    public String result() { return result; }
    public long firstByteNanos() { return firstByteNanos; }
    public long lastByteNanos() { return lastByteNanos; }

    /** A request failed when the client got an error status or the proxy gave up. */
    public boolean failed() {
        return finalStatus >= 400 || finalStatus == 0;
    }
}
