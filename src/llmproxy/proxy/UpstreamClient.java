package llmproxy.proxy;

import llmproxy.config.ProxyAddress;
import llmproxy.net.HttpClients;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
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

    /**
     * Sends one prepared attempt and waits for its response headers. Error bodies are read here (up to the cap),
     * success bodies are left to the relay.
     */
    Outcome send(UpstreamRequest a, long headerTimeoutNanos, long idleNanos) {
        HttpRequest.Builder b = HttpRequest.newBuilder(a.uri())
                .method(a.method(), HttpRequest.BodyPublishers.ofByteArray(a.body()));
        if ("http".equalsIgnoreCase(a.uri().getScheme())) {
            // Plaintext HTTP/2 means an Upgrade dance many servers get wrong; TLS negotiates h2 via ALPN.
            b.version(HttpClient.Version.HTTP_1_1);
        }
        for (UpstreamRequest.Header h : a.headers()) {
            try {
                b.header(h.name(), h.value());
            } catch (IllegalArgumentException restricted) {
                // A header the HttpClient manages or refuses (e.g. invalid chars): not ours to send.
            }
        }
        if (REQUEST_TIMEOUT_IS_HEADERS_ONLY) {
            b.timeout(Duration.ofNanos(headerTimeoutNanos));
        }
        HttpRequest request;
        try {
            request = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new Outcome.Transport(Outcome.Kind.PROTOCOL, "request could not be built: " + e.getMessage());
        }
        HttpResponse<UpstreamBody> response;
        try {
            HttpClient client = http.get().forBackend(a.backend());
            response = REQUEST_TIMEOUT_IS_HEADERS_ONLY ? sendOnThisThread(client, request)
                    : sendWithDeadline(client, request, headerTimeoutNanos);
        } catch (HttpConnectTimeoutException e) {
            return new Outcome.Transport(Outcome.Kind.CONNECT, "connect timeout");
        } catch (HttpTimeoutException | TimeoutException e) {
            return headerTimeout(headerTimeoutNanos);
        } catch (IOException e) {
            Outcome.Transport refused = tunnelRefused(e, http.get().proxyFor(a.backend()));
            return refused != null ? refused : classify(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Transport(Outcome.Kind.RESET, "interrupted");
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
            return new Outcome.Transport(Outcome.Kind.CONNECT, "egress proxy refused: 407 Proxy Authentication Required");
        }
        UpstreamBody body = response.body();
        byte[] bytes;
        try {
            bytes = body.readAtMost(ERROR_BODY_CAP + 1, idleNanos);
        } catch (IOException partial) {
            bytes = new byte[0];
        } finally {
            body.close();
        }
        if (bytes.length > ERROR_BODY_CAP) {
            return new Outcome.HttpError(status, response.headers(), java.util.Arrays.copyOf(bytes, ERROR_BODY_CAP),
                    true);
        }
        return new Outcome.HttpError(status, response.headers(), bytes);
    }

    /**
     * {@code send} runs the exchange on the calling (virtual) thread: one hand-off fewer than {@code sendAsync}
     * and its common-pool completion. An interrupt cancels the exchange.
     */
    private static HttpResponse<UpstreamBody> sendOnThisThread(HttpClient client, HttpRequest request)
            throws IOException, InterruptedException {
        return client.send(request, info -> new UpstreamBody());
    }

    private static HttpResponse<UpstreamBody> sendWithDeadline(HttpClient client, HttpRequest request,
                                                               long headerTimeoutNanos)
            throws IOException, InterruptedException, TimeoutException {
        CompletableFuture<HttpResponse<UpstreamBody>> future = client.sendAsync(request,
                info -> new UpstreamBody());
        try {
            return future.get(headerTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            cancel(future);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static Outcome headerTimeout(long nanos) {
        return new Outcome.Transport(Outcome.Kind.TIMEOUT,
                "no response headers within " + TimeUnit.NANOSECONDS.toSeconds(nanos) + "s");
    }

    /** Cancels a pending exchange; if it completed meanwhile, releases its body instead. */
    private static void cancel(CompletableFuture<HttpResponse<UpstreamBody>> future) {
        if (!future.cancel(true) && future.isDone() && !future.isCompletedExceptionally()) {
            future.join().body().close();
        }
    }

    /**
     * An egress proxy's refusal of a CONNECT tunnel, or null. The JDK reports a refusal as "Tunnel failed, got:
     * 403", except when the proxy rejects the credentials it retried (407 again): then JDK 21 to 25 fail inside
     * their own code with a NullPointerException, whose message would tell the operator nothing.
     */
    static Outcome.Transport tunnelRefused(IOException e, ProxyAddress via) {
        if (via == null) {
            return null;
        }
        String msg = e.getMessage();
        if (msg != null && msg.startsWith("Tunnel failed, got: ")) {
            return new Outcome.Transport(Outcome.Kind.CONNECT, "egress proxy refused the CONNECT tunnel: status "
                    + msg.substring("Tunnel failed, got: ".length()));
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof NullPointerException && via.hasCredentials() && c.getStackTrace().length > 0
                    && c.getStackTrace()[0].getClassName().startsWith("jdk.internal.net.http.")) {
                return new Outcome.Transport(Outcome.Kind.CONNECT, "egress proxy refused the CONNECT tunnel: 407 Proxy"
                        + " Authentication Required (the proxy credentials were rejected)");
            }
        }
        return null;
    }

    /** The kind of a transport failure, with a short reason. */
    static Outcome.Transport classify(Throwable t) {
        Throwable c = t;
        while (c instanceof IOException && c.getCause() != null && c.getMessage() == null) {
            c = c.getCause();
        }
        String reason = describe(t);
        Outcome.Kind kind;
        if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException || c instanceof ConnectException
                || t instanceof UnknownHostException || c instanceof UnresolvedAddressException
                || t.getCause() instanceof UnresolvedAddressException || c instanceof NoRouteToHostException) {
            kind = Outcome.Kind.CONNECT;
        } else if (t instanceof HttpTimeoutException) {
            kind = Outcome.Kind.TIMEOUT;
        } else if (t instanceof SSLException || c instanceof SSLException) {
            kind = Outcome.Kind.TLS;
        } else if (t instanceof ProtocolException || c instanceof ProtocolException) {
            kind = Outcome.Kind.PROTOCOL;
        } else {
            kind = Outcome.Kind.RESET;
        }
        return new Outcome.Transport(kind, reason);
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
