package llmproxy.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Ends client writes that stay blocked too long: a client that stops reading a stream would otherwise hold its
 * upstream connection and a concurrency slot forever. The JDK server writes with blocking channel I/O, which an
 * interrupt aborts (the channel closes); the writer then sees an IOException and cancels its upstream.
 */
public final class WriteWatchdog implements AutoCloseable {
    private final Set<ClientResponse> watched = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean closed;

    public WriteWatchdog() {
        thread = Thread.ofPlatform().daemon().name("write-watchdog").start(this::run);
    }

    void watch(ClientResponse r) {
        watched.add(r);
    }

    void unwatch(ClientResponse r) {
        watched.remove(r);
    }

    private void run() {
        while (!closed) {
            try {
                TimeUnit.MILLISECONDS.sleep(250); // a tick, not a wait for a condition: checks are periodic
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ClientResponse r : watched) {
                r.interruptIfBlockedSince(now);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
