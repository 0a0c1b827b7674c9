package llmproxy.proxy;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;

/** What one upstream attempt came to: exactly one of these. */
sealed interface Outcome {
    /** 2xx or 3xx: relayed as is; the body is still unread. */
    record Success(HttpResponse<UpstreamBody> response) implements Outcome {
    }

    /**
     * Any other status; {@code body} holds at most the error cap, decoded for pattern checks separately.
     * {@code truncated}: the upstream sent more than the cap, so {@code body} is not the whole answer.
     */
    record HttpError(int status, HttpHeaders headers, byte[] body, boolean truncated) implements Outcome {
        HttpError(int status, HttpHeaders headers, byte[] body) {
            this(status, headers, body, false);
        }
    }

    /** No HTTP answer. {@code reason} is short and safe to show (no control characters, bounded). */
    record Transport(Kind kind, String reason) implements Outcome {
        public Transport {
            reason = Text.safe(reason);
        }
    }

    /** Why no HTTP answer came; a closed set, so metrics and policies can switch on it. */
    enum Kind {
        /** Refused, unknown host, no route, connect timeout. */
        CONNECT,
        /** No response headers (or data) within the deadline. */
        TIMEOUT,
        /** The TLS handshake or session failed. */
        TLS,
        /** The connection was reset or closed early. */
        RESET,
        /** The upstream spoke something that is not HTTP, or the request could not be built. */
        PROTOCOL
    }
}
