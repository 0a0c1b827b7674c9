package llmproxy.server;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestIdsTest {

    @Test
    void sipHash_matchesTheReferenceVector() {
        // Reference implementation: key 00..0f, message 00..07 gives 62 24 93 9a 79 f5 f5 93 (little-endian).
        assertEquals(0x93f5f5799a932462L,
                RequestIds.sipHash24(0x0706050403020100L, 0x0f0e0d0c0b0a0908L, 0x0706050403020100L));
    }

    @Test
    void generatedIds_haveNoPatternAcrossAThousand_soOneIdDoesNotPredictTheNext() {
        RequestIds ids = new RequestIds(new SecureRandom());
        int n = 1000;
        long[] v = new long[n];
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = ids.idFor(null);
            assertEquals(16, id.length(), id);
            v[i] = HexFormat.fromHexDigitsToLong(id);
            distinct.add(v[i]);
        }
        assertEquals(n, distinct.size());
        long bitsChanged = 0;
        Set<Long> steps = new HashSet<>();
        for (int i = 1; i < n; i++) {
            bitsChanged += Long.bitCount(v[i] ^ v[i - 1]);
            steps.add(v[i] - v[i - 1]);
            steps.add(v[i] ^ v[i - 1]);
        }
        double mean = bitsChanged / (double) (n - 1);
        assertTrue(mean > 28 && mean < 36, "consecutive ids differ in " + mean + " of 64 bits on average");
        assertTrue(steps.size() > 1900, "consecutive ids are related by a few fixed steps: " + steps.size());
        for (int bit = 0; bit < 64; bit++) {
            int ones = 0;
            int flips = 0;
            for (int i = 0; i < n; i++) {
                ones += (int) (v[i] >>> bit & 1);
                flips += i > 0 && (v[i] >>> bit & 1) != (v[i - 1] >>> bit & 1) ? 1 : 0;
            }
            // Fair coin over 1000 draws: outside 400..600 has a probability of about 1e-9.
            assertTrue(ones > 400 && ones < 600, "bit " + bit + " is set in " + ones + " of " + n + " ids");
            assertTrue(flips > 400 && flips < 600, "bit " + bit + " flips " + flips + " times in " + n + " ids");
        }
    }

    @Test
    void twoGenerators_produceUnrelatedIds() {
        RequestIds a = new RequestIds(new SecureRandom());
        RequestIds b = new RequestIds(new SecureRandom());
        assertNotEquals(a.idFor(null), b.idFor(null));
    }

    @Test
    void saneClientId_isKept_otherwiseAFreshIdIsMade() {
        RequestIds ids = new RequestIds(new SecureRandom());
        assertEquals("abc-1.2_3:x", ids.idFor("abc-1.2_3:x"));
        assertEquals(16, ids.idFor("bad id\n").length());
        assertEquals(16, ids.idFor("x".repeat(129)).length());
    }
}
