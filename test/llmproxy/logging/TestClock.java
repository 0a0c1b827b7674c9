package llmproxy.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** A clock the test moves by hand. */
final class TestClock extends Clock {
    private final ZoneId zone;
    private volatile Instant now;

    TestClock(LocalDateTime local, ZoneId zone) {
        this.zone = zone;
        this.now = local.atZone(zone).toInstant();
    }

    void set(LocalDateTime local) {
        now = local.atZone(zone).toInstant();
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
        return new TestClock(LocalDateTime.ofInstant(now, zone), z);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
