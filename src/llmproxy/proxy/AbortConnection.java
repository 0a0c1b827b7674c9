package llmproxy.proxy;

/**
 * Thrown out of a handler to make HttpServer drop the connection without ending the response cleanly:
 * the only way to tell a client that a non-SSE body was cut short.
 */
public final class AbortConnection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AbortConnection(String reason) {
        super(reason, null, false, false);
    }
}
