package llmproxy.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The checker the metrics tests rely on must itself refuse malformed expositions. */
class ExpositionCheckerTest {
    @Test
    void acceptsAWellFormedExpositionAndParsesEscapedLabels() {
        ExpositionChecker.Exposition e = ExpositionChecker.check("""
                # HELP a_total Things.\\nMore.
                # TYPE a_total counter
                a_total{x="q\\"uo\\\\te\\n"} 3
                # TYPE h histogram
                h_bucket{le="0.5"} 1
                h_bucket{le="+Inf"} 2
                h_sum 0.75
                h_count 2
                """);
        assertEquals(3, e.value("a_total", Map.of("x", "q\"uo\\te\n")));
        assertEquals(2, e.value("h_count", Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a_total 1\n",                                                       // sample before TYPE
        "# TYPE a counter\na{x=\"\\t\"} 1\n",                                // invalid escape
        "# TYPE a counter\na{x=\"1\",x=\"2\"} 1\n",                          // duplicate label
        "# TYPE a counter\na{1x=\"1\"} 1\n",                                 // bad label name
        "# TYPE a counter\na{x=1} 1\n",                                      // unquoted value
        "# TYPE a counter\na  1\n",                                          // two spaces
        "# TYPE a counter\na one\n",                                         // bad value
        "# TYPE a counter\na 1",                                             // no final newline
        "# TYPE a counter\n# TYPE a gauge\na 1\n",                           // second TYPE
        "# TYPE a counter\na 1\n# HELP a late\n",                            // HELP after samples
        "# TYPE a counter\n# TYPE b counter\na 1\nb 1\na{x=\"y\"} 1\n",      // not contiguous
        "# TYPE a counter\na 1\na 2\n",                                      // duplicate series
        "# TYPE a wibble\na 1\n",                                            // unknown type
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", // decreasing
        "# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",     // no +Inf
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",  // count differs
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n",           // no sum
        "# TYPE h histogram\nh 1\n",                                         // bare histogram sample
        "# TYPE a counter\n\na 1\n",                                         // blank line
    })
    void rejectsMalformedExpositions(String text) {
        assertThrows(AssertionError.class, () -> ExpositionChecker.check(text));
    }
}
