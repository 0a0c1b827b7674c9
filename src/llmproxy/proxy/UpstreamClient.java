package llmproxy.proxy;

import com.sun.net.httpserver.Headers;
import llmproxy.config.Backend;
import llmproxy.net.HttpClients;
import llmproxy.protocol.Credentials;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends one attempt to one backend with the shared {@link HttpClient} and classifies the answer.
 */
public final class UpstreamClient {
    /**
     * Up to JDK 25 {@code HttpRequest.timeout()} ends when the response headers arrive, and its timer runs on
     * the client's selector thread: the cheapest way to bound the wait for headers. From JDK 26 on
     * (JDK-8208693) it also covers the body and would cut long streams, so there the request thread waits
     * with its own deadline instead.
     */
    private static final boolean REQUEST_TIMEOUT_IS_HEADERS_ONLY = Runtime.version().feature() <= 25;

    /** Error bodies are read only this far, for detection and for relaying. */
    static final int ERROR_BODY_CAP = 1 << 20;

    private final Supplier<HttpClients> http;

    /** {@code http} may block while the clients are under construction; the first requests wait for them. */
    public UpstreamClient(Supplier<HttpClients> http) {
        this.http = http;
    }

    /** What to send: the target, the client's method and headers, the (rewritten) body and the credential. */
    record Attempt(URI uri, String method, Headers clientHeaders, byte[] body, Backend backend, boolean useXApiKey,
                   String requestId) {
    }

    Outcome send(Attempt a, long headerTimeoutNanos, long idleNanos) {
        HttpRequest.Builder b = HttpRequest.newBuilder()
                .method(a.method(), HttpRequest.BodyPublishers.ofByteArray(a.body()));
        if ("http".equalsIgnoreCase(a.uri().getScheme())) {
            // Plaintext HTTP/2 means an Upgrade dance many servers get wrong; TLS negotiates h2 via ALPN.
            b.version(HttpClient.Version.HTTP_1_1);
        }
        HeaderFilter.copyRequestHeaders(a.clientHeaders(), b);
        b.uri(Credentials.apply(a.backend(), a.useXApiKey() ? Credentials.ClientStyle.X_API_KEY
                : Credentials.ClientStyle.BEARER, b::setHeader, a.uri()));
        b.header("X-Request-ID", a.requestId());
        if (REQUEST_TIMEOUT_IS_HEADERS_ONLY) {
            b.timeout(Duration.ofNanos(headerTimeoutNanos));
        }
        CompletableFuture<HttpResponse<UpstreamBody>> future = http.get().forBackend(a.backend()).sendAsync(b.build(),
                info -> new UpstreamBody());
        HttpResponse<UpstreamBody> response;
        try {
            response = REQUEST_TIMEOUT_IS_HEADERS_ONLY ? future.get()
                    : future.get(headerTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel(future);
            return headerTimeout(headerTimeoutNanos);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException && !(cause instanceof HttpConnectTimeoutException)) {
                return headerTimeout(headerTimeoutNanos);
            }
            return new Outcome.Transport(describe(cause));
        } catch (InterruptedException e) {
            cancel(future);
            Thread.currentThread().interrupt();
            return new Outcome.Transport("interrupted");
        }
        int status = response.statusCode();
        if (status < 400) {
            return new Outcome.Success(response);
        }
        if (status == 407) {
            // Only an egress proxy says 407; the JDK hands back its refusal of a CONNECT tunnel without a body.
            UpstreamBody refused = response.body();
            if (refused != null) {
                refused.close();
            }
            return new Outcome.Transport("egress proxy refused: 407 Proxy Authentication Required");
        }
        UpstreamBody body = response.body();
        byte[] bytes;
        try {
            bytes = body.readAtMost(ERROR_BODY_CAP, idleNanos);
        } catch (IOException partial) {
            bytes = new byte[0];
        } finally {
            body.close();
        }
        return new Outcome.HttpError(status, response.headers(), bytes);
    }

    private static Outcome headerTimeout(long nanos) {
        return new Outcome.Transport("no response headers within " + TimeUnit.NANOSECONDS.toSeconds(nanos) + "s");
    }

    /** Cancels a pending exchange; if it completed meanwhile, releases its body instead. */
    private static void cancel(CompletableFuture<HttpResponse<UpstreamBody>> future) {
        if (!future.cancel(true) && future.isDone() && !future.isCompletedExceptionally()) {
            future.join().body().close();
        }
    }

    /** A short reason for a transport failure, without URLs' credentials (there are none in URLs here). */
    static String describe(Throwable t) {
        Throwable c = t;
        while (c instanceof IOException && c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        if (t instanceof HttpConnectTimeoutException) {
            return "connect timeout";
        }
        if (t instanceof HttpTimeoutException) {
            return t.getMessage() == null ? "timeout" : t.getMessage();
        }
        if (t instanceof ConnectException || c instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof UnknownHostException || c instanceof UnresolvedAddressException
                || t.getCause() instanceof UnresolvedAddressException) {
            return "unknown host";
        }
        if (t instanceof SSLException || c instanceof SSLException) {
            return "TLS failure: " + c.getMessage();
        }
        String msg = c.getMessage();
        return (msg == null || msg.isBlank()) ? c.getClass().getSimpleName() : msg;
    }
}
