package llmproxy.proxy;

import llmproxy.routing.Candidate;

/**
 * How one proxied request ended: exactly one of these, built by the handler and handed to the one place that
 * finishes the trace and tells the listeners. {@code status} is what the client got (499: it left first).
 */
public sealed interface RequestResult {
    int status();

    /** The candidate whose answer the client got, or null when the proxy answered itself. */
    Candidate by();

    /** The proxy refused the request before any attempt (bad body, unknown model, over a limit …). */
    record Rejected(int status, String code, String message) implements RequestResult {
        @Override
        public Candidate by() {
            return null;
        }
    }

    /** A backend's success answer reached the client whole. */
    record Relayed(Candidate by, int status) implements RequestResult {
    }

    /**
     * A backend's error answer was relayed: either one that does not warrant a fallback, or the last one when
     * every candidate failed ({@code exhausted}).
     */
    record UpstreamError(Candidate by, int status, boolean exhausted, String failures) implements RequestResult {
    }

    /** Every candidate failed without an HTTP answer worth relaying: the proxy's own 502. */
    record AllFailed(String failures) implements RequestResult {
        @Override
        public int status() {
            return 502;
        }

        @Override
        public Candidate by() {
            return null;
        }
    }

    /**
     * The upstream broke after the answer had started; the client got what came, then an in-band error event
     * ({@code inBand}, SSE) or a dropped connection. {@code status} is the one the client had been sent.
     */
    record StreamBroke(Candidate by, int status, String reason, boolean inBand) implements RequestResult {
    }

    /** The client went away (or stopped reading) before the answer was complete; the upstream was cancelled. */
    record ClientGone(Candidate by, String reason) implements RequestResult {
        @Override
        public int status() {
            return 499;
        }
    }
}
