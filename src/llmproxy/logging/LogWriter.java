package llmproxy.logging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue drained by one daemon thread into a {@link LogSink}. Droppable entries (DEBUG/INFO, traces)
 * are counted and dropped when the queue is full; the rest overflow into an unbounded queue and are never lost.
 * After {@link #close} everything is handled synchronously on the caller's thread.
 */
final class LogWriter {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final long FLUSH_WAIT_SECONDS = 30;
    /**
     * After a batch the writer rests this long before waiting on the queue again. Lines then pile up into
     * batches and request threads almost never have to wake the writer (a futex call and a context switch
     * per line, which cost more than the line itself); output stays prompt.
     */
    private static final long BATCH_PAUSE_NANOS = 5_000_000;

    private final LogSink sink;
    private final ArrayBlockingQueue<Entry> queue;
    private final ConcurrentLinkedQueue<Entry> overflow = new ConcurrentLinkedQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedTotal = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Runnable beforeBatch;
    private final Thread thread;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    /** {@code beforeBatch} runs on the writer thread before each batch; tests use it to stall the writer. */
    LogWriter(LogSink sink, int capacity, Runnable beforeBatch) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.beforeBatch = beforeBatch;
        this.thread = Thread.ofPlatform().daemon().name("llm-proxy-log-writer").start(this::run);
    }

    /** Enqueues, or drops and counts when the queue is full. */
    void offer(Entry e) {
        if (closed) {
            direct(e);
        } else if (!queue.offer(e)) {
            dropped.incrementAndGet();
            droppedTotal.incrementAndGet();
        } else if (closed) {
            drainLeftovers();
        }
    }

    /** Lines dropped since start (the metrics' running total; {@code dropped} is reset when reported). */
    long droppedTotal() {
        return droppedTotal.get();
    }

    /** Enqueues without ever dropping and without blocking the caller. */
    void submit(Entry e) {
        if (closed) {
            direct(e);
            return;
        }
        enqueue(e);
        if (closed) {
            drainLeftovers();
        }
    }

    /** Returns once everything submitted before has been written and flushed (or 30 s passed). */
    void flush() {
        Entry.Flush f = new Entry.Flush(new CountDownLatch(1));
        submit(f);
        try {
            f.done().await(FLUSH_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Drains the queue, closes files and switches to synchronous stdout output. Idempotent. */
    void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        enqueue(Entry.Signal.STOP);
        try {
            thread.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainLeftovers();
    }

    private void enqueue(Entry e) {
        if (!queue.offer(e)) {
            overflow.add(e);
            // If this offer fails the queue is not empty, so the writer runs again and sees the overflow.
            queue.offer(Entry.Signal.WAKE);
        }
    }

    private void run() {
        List<Entry> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue;
            }
            beforeBatch.run();
            queue.drainTo(batch);
            for (Entry e; (e = overflow.poll()) != null; ) {
                batch.add(e);
            }
            lock.lock();
            try {
                for (Entry e : batch) {
                    if (!(e instanceof Entry.Flush)) {
                        stop |= handle(e);
                    }
                }
                long n = dropped.getAndSet(0);
                if (n > 0) {
                    sink.internal(Level.WARN, "dropped " + n + " log lines: queue full", null);
                }
                sink.flush();
                if (stop) {
                    sink.close();
                }
            } finally {
                lock.unlock();
            }
            // Released only now, so a flush also covers the drop report and the rest of its batch.
            for (Entry e : batch) {
                if (e instanceof Entry.Flush f) {
                    f.done().countDown();
                }
            }
            batch.clear();
            if (!stop) {
                LockSupport.parkNanos(BATCH_PAUSE_NANOS);
            }
        }
    }

    /** Handles one entry on the current thread; true for STOP. Flush entries count down after the flush. */
    private boolean handle(Entry e) {
        try {
            switch (e) {
                case Entry.Line l -> sink.line(l.level(), l.millis(), l.message(), l.thrown());
                case Entry.Trace t -> sink.trace(t.trace(), t.millis());
                case Entry.Reconfigure r -> sink.apply(r.settings(), r.level(), r.masker());
                case Entry.Flush f -> {
                    sink.flush();
                    f.done().countDown();
                }
                case Entry.Signal s -> {
                    return s == Entry.Signal.STOP;
                }
            }
        } catch (RuntimeException ex) {
            // A bad message (say, a toString that throws) must not kill the writer thread.
            sink.internal(Level.ERROR, "log writer failed on one entry", ex);
        }
        return false;
    }

    private void direct(Entry e) {
        lock.lock();
        try {
            handle(e);
            sink.flush();
        } finally {
            lock.unlock();
        }
    }

    /** After close: whatever raced into the queues is written on the caller's thread. */
    private void drainLeftovers() {
        lock.lock();
        try {
            for (Entry e; (e = queue.poll()) != null || (e = overflow.poll()) != null; ) {
                handle(e);
            }
            sink.close();
        } finally {
            lock.unlock();
        }
    }
}
