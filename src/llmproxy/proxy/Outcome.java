package llmproxy.proxy;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;

/** What one upstream attempt came to: exactly one of these. */
sealed interface Outcome {
    /** 2xx or 3xx: relayed as is; the body is still unread. */
    record Success(HttpResponse<UpstreamBody> response) implements Outcome {
    }

    /** Any other status; {@code body} holds at most the detection cap, decoded for pattern checks separately. */
    record HttpError(int status, HttpHeaders headers, byte[] body) implements Outcome {
    }

    /** No HTTP answer: refused, reset, DNS, TLS or a timeout. */
    record Transport(String reason) implements Outcome {
    }
}
