package llmproxy.logging;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static llmproxy.logging.LogFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogQueueTest {
    @Test
    void fullQueue_dropsAndCountsInfo_butKeepsEveryWarnAndError() throws InterruptedException {
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        Runnable stallFirstBatch = () -> {
            if (first.getAndSet(false)) {
                stalled.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (LogFixture f = new LogFixture(4, stallFirstBatch)) {
            f.log.info("start");
            assertTrue(stalled.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 10; i++) {
                f.log.info("info-" + i);
            }
            for (int i = 0; i < 10; i++) {
                f.log.request(Traces.failed("r" + i, f.startMillis()));
            }
            for (int i = 0; i < 50; i++) {
                f.log.warn("warn-" + i);
                f.log.error("error-" + i);
            }
            release.countDown();
            String out = f.stdout();
            assertEquals(4, count(out, "[INFO] info-"), out);
            assertEquals(0, count(out, "request r"), out);
            for (int i = 0; i < 50; i++) {
                assertTrue(out.contains("[WARN] warn-" + i + LogFixture.NL), "warn-" + i);
                assertTrue(out.contains("[ERROR] error-" + i + LogFixture.NL), "error-" + i);
            }
            assertEquals(1, count(out, "[WARN] dropped 6 log lines: queue full"), out);
            assertEquals(6, f.log.droppedLines(), "the running total for llmproxy_log_lines_dropped_total");
        }
    }

    @Test
    void queueThatNeverFills_dropsNothing() {
        try (LogFixture f = new LogFixture(8192, () -> { })) {
            for (int i = 0; i < 5000; i++) {
                f.log.info("line " + i);
            }
            String out = f.stdout();
            assertEquals(5000, out.lines().count());
            assertTrue(out.endsWith("[INFO] line 4999" + LogFixture.NL));
        }
    }
}
