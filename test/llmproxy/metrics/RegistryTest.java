package llmproxy.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counters, gauges, histograms and families, always read back through the strict exposition checker. */
class RegistryTest {
    @Test
    void countersGaugesAndHistogramsAreExposedInTextFormat004() {
        Registry r = new Registry();
        Family<Counter> c = r.counter("t_requests_total", "Requests.", "alias", "code");
        c.labels("gpt-4o", "200").inc();
        c.labels("gpt-4o", "200").add(2);
        c.labels("claude", "502").inc();
        r.gauge("t_open", "Open.").labels().set(7);
        Histogram h = r.histogram("t_seconds", "Durations.", new double[]{0.1, 1}, "alias").labels("a");
        h.observeNanos(50_000_000);
        h.observeNanos(100_000_000);
        h.observeNanos(500_000_000);
        h.observeNanos(5_000_000_000L);

        String text = r.scrape();
        ExpositionChecker.Exposition e = ExpositionChecker.check(text);

        assertEquals(3, e.value("t_requests_total", Map.of("alias", "gpt-4o", "code", "200")));
        assertEquals(1, e.value("t_requests_total", Map.of("alias", "claude", "code", "502")));
        assertEquals(7, e.value("t_open", Map.of()));
        assertEquals(2, e.value("t_seconds_bucket", Map.of("alias", "a", "le", "0.1")), "le is inclusive");
        assertEquals(3, e.value("t_seconds_bucket", Map.of("alias", "a", "le", "1")));
        assertEquals(4, e.value("t_seconds_bucket", Map.of("alias", "a", "le", "+Inf")));
        assertEquals(4, e.value("t_seconds_count", Map.of("alias", "a")));
        assertEquals(5.65, e.value("t_seconds_sum", Map.of("alias", "a")), 1e-9);
        assertEquals("counter", e.types().get("t_requests_total"));
        assertEquals("histogram", e.types().get("t_seconds"));
        assertTrue(text.startsWith("# HELP t_requests_total Requests.\n# TYPE t_requests_total counter\n"), text);
    }

    @Test
    void labelValuesAndHelpAreEscaped() {
        Registry r = new Registry();
        r.counter("t_total", "Back\\slash and\nnewline.", "v").labels("a\"b\\c\nd").inc();
        String text = r.scrape();
        assertTrue(text.contains("t_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), text);
        assertTrue(text.contains("# HELP t_total Back\\\\slash and\\nnewline.\n"), text);
        assertEquals(1, ExpositionChecker.check(text).value("t_total", Map.of("v", "a\"b\\c\nd")));
    }

    @Test
    void familyCardinalityIsBoundedByItsLimit() {
        Family<Counter> f = new Family<>("t_total", "x", Family.Type.COUNTER, List.of("k"), Counter::new, 3);
        for (int i = 0; i < 100; i++) {
            f.labels("v" + i).inc();
        }
        assertEquals(4, f.children().size(), "three real children and the shared overflow child");
        assertEquals(97, f.labels(Family.OVERFLOW).value());
    }

    @Test
    void invalidNamesAndDuplicateFamiliesAreRefused() {
        Registry r = new Registry();
        r.counter("t_total", "x");
        assertThrows(IllegalArgumentException.class, () -> r.counter("t_total", "again"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("1bad", "x"));
        assertThrows(IllegalArgumentException.class, () -> r.counter("t_x", "x", "__reserved"));
        assertThrows(IllegalArgumentException.class, () -> r.histogram("t_h", "x", new double[]{1}, "le"));
        assertThrows(IllegalArgumentException.class, () -> r.histogram("t_h", "x", new double[]{2, 1}));
        assertThrows(IllegalArgumentException.class, () -> r.counter("t_y", "x", "a").labels("1", "2"));
    }

    @Test
    void concurrentUpdatesAreAllCounted() throws Exception {
        Registry r = new Registry();
        Family<Counter> c = r.counter("t_total", "x", "alias");
        Histogram h = r.histogram("t_seconds", "x", new double[]{1}).labels();
        int threads = 8;
        int each = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                String alias = "a" + (t % 2);
                pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        c.labels(alias).inc();
                        h.observeNanos(1_000);
                    }
                    return null;
                });
            }
            start.countDown();
        }
        ExpositionChecker.Exposition e = ExpositionChecker.check(r.scrape());
        assertEquals(threads * each / 2, e.value("t_total", Map.of("alias", "a0")));
        assertEquals(threads * each / 2, e.value("t_total", Map.of("alias", "a1")));
        assertEquals(threads * each, e.value("t_seconds_count", Map.of()));
    }

    @Test
    void numbersAreWrittenAsTheFormatSpellsThem() {
        assertEquals("3", PrometheusText.number(3.0));
        assertEquals("0.25", PrometheusText.number(0.25));
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusText.number(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", PrometheusText.number(Double.NaN));
    }
}
