package llmproxy.proxy;

import llmproxy.logging.RequestTrace;

/**
 * Told about every proxied request once it has ended, on the request's thread: keep it cheap, never block,
 * never throw. The trace may be read during the call only: it belongs to the log afterwards.
 */
public interface RequestListener {
    void finished(RequestResult result, RequestTrace trace);

    /** A streamed answer started reaching the client; {@link #streamClosed()} follows once it ends. */
    default void streamOpened() {
    }

    default void streamClosed() {
    }
}
