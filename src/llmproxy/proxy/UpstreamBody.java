package llmproxy.proxy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An upstream response body read as it arrives, one network read at a time, with an idle timeout.
 * Demand is one batch ahead, so memory stays bounded however long the stream; {@link #close()} cancels
 * the upstream exchange (the connection is dropped, the backend sees the client go away).
 */
final class UpstreamBody implements HttpResponse.BodySubscriber<UpstreamBody> {
    private static final List<ByteBuffer> END = List.of();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<UpstreamBody> self = CompletableFuture.completedFuture(this);
    private volatile Flow.Subscription subscription;
    private boolean done;

    @Override
    public CompletionStage<UpstreamBody> getBody() {
        return self;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable t) {
        queue.add(t);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    /**
     * The next batch of bytes, or null at the end of the body. Throws when the upstream broke or sent
     * nothing for {@code idleNanos}.
     */
    @SuppressWarnings("unchecked")
    List<ByteBuffer> next(long idleNanos) throws IOException {
        if (done) {
            return null;
        }
        // Most batches are already here: a timed wait costs a timer registration, so try without first.
        Object item = queue.poll();
        try {
            if (item == null) {
                item = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading upstream body", e);
        }
        if (item == null) {
            throw new HttpTimeoutException("no data from upstream for " + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + "s");
        }
        if (item == END) {
            done = true;
            return null;
        }
        if (item instanceof Throwable t) {
            done = true;
            throw t instanceof IOException io ? io : new IOException(t.getMessage(), t);
        }
        subscription.request(1);
        return (List<ByteBuffer>) item;
    }

    /** Reads up to {@code cap} bytes; the rest of the body, if any, is discarded with {@link #close()}. */
    byte[] readAtMost(int cap, long idleNanos) throws IOException {
        byte[] buf = new byte[1024];
        int n = 0;
        List<ByteBuffer> batch;
        while (n < cap && (batch = next(idleNanos)) != null) {
            for (ByteBuffer b : batch) {
                int take = Math.min(b.remaining(), cap - n);
                if (n + take > buf.length) {
                    buf = java.util.Arrays.copyOf(buf, Math.max(n + take, Math.min(cap, buf.length * 2)));
                }
                b.get(buf, n, take);
                n += take;
            }
        }
        return java.util.Arrays.copyOf(buf, n);
    }

    /** Cancels the upstream exchange unless the body was fully read (then the connection is reused). */
    void close() {
        if (!done) {
            done = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
