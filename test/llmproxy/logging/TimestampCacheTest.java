package llmproxy.logging;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TimestampCacheTest {
    private final TimestampCache cache = new TimestampCache(ZoneId.of("Europe/Paris"));

    @Test
    void second_isLocalTime() {
        long t = Instant.parse("2026-11-29T17:30:12.345Z").toEpochMilli();
        assertEquals("2026-11-29 18:30:12", cache.second(t));
        assertEquals("2026-11-29 18:30:12.345", cache.withMillis(t));
        assertEquals("20261129-183012.345", cache.fileStamp(t));
    }

    @Test
    void second_followsEachSecondAndMinuteWithinTheCache() {
        long t = Instant.parse("2026-11-29T17:30:58Z").toEpochMilli();
        assertEquals("2026-11-29 18:30:58", cache.second(t));
        assertEquals("2026-11-29 18:30:58", cache.second(t + 999));
        assertEquals("2026-11-29 18:30:59", cache.second(t + 1000));
        assertEquals("2026-11-29 18:31:00", cache.second(t + 2000));
        assertEquals("2026-11-29 18:30:58", cache.second(t));
    }

    @Test
    void second_jumpsAnHourAtTheDaylightSavingSwitch() {
        long t = Instant.parse("2026-03-29T00:59:59Z").toEpochMilli();
        assertEquals("2026-03-29 01:59:59", cache.second(t));
        assertEquals("2026-03-29 03:00:00", cache.second(t + 1000));
    }
}
