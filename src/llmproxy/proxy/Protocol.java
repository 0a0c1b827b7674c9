package llmproxy.proxy;

import llmproxy.routing.Candidate;

import java.net.http.HttpResponse;

/**
 * How one backend is spoken to, per attempt: builds the upstream request from the client's, and turns the
 * backend's answer into what the client expects. {@link Passthrough} sends the client's bytes as they are; a
 * translating protocol would rewrite between dialects. Implementations are stateless and shared.
 */
interface Protocol {
    /** Whether this protocol can carry the request at all; a candidate it cannot is skipped, never sent. */
    boolean carries(ProxyRequest request);

    /** The upstream request for {@code c}; throws when it cannot be built (a failed attempt, not a 500). */
    UpstreamRequest prepare(ProxyRequest request, Candidate c) throws AttemptException;

    /**
     * Relays a success answer to the client, as it arrives, committing nothing before it carries content
     * (within {@code firstTokenNanos}, 0 = no limit).
     */
    Relay.Result relay(ProxyRequest request, HttpResponse<UpstreamBody> response, ClientResponse client,
                       long idleNanos, long firstTokenNanos);

    /** An upstream error answer as the client gets it: the status kept, headers and body made safe. */
    void relayError(ProxyRequest request, Outcome.HttpError error, ClientResponse client) throws java.io.IOException;

    /** An attempt that could not be built, with the reason (no secret in it). */
    final class AttemptException extends Exception {
        private static final long serialVersionUID = 1L;

        private final transient byte[] refusal;
        private final int status;

        AttemptException(String reason) {
            super(reason, null, false, false);
            this.refusal = null;
            this.status = 0;
        }

        /**
         * The request itself cannot go this way (a parameter the backend's protocol cannot honour): the candidate
         * is skipped without a cooldown, and {@code body} (in the client's envelope) answers with {@code status}
         * when no other candidate serves.
         */
        AttemptException(String reason, int status, byte[] body) {
            super(reason, null, false, false);
            this.refusal = body;
            this.status = status;
        }

        boolean isRefusal() {
            return refusal != null;
        }

        int status() {
            return status;
        }

        byte[] refusal() {
            return refusal;
        }
    }
}
