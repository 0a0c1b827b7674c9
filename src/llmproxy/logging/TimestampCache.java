package llmproxy.logging;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;

/**
 * Formats epoch millis as local {@code YYYY-MM-DD HH:MM:SS}, rebuilding the text only when the minute changes.
 * Not thread-safe: owned by the writer thread.
 */
final class TimestampCache {
    private final ZoneRules rules;
    private long utcMinute = Long.MIN_VALUE;
    private int offsetSeconds;
    private long localMinute = Long.MIN_VALUE;
    private char[] minuteChars;
    private long second = Long.MIN_VALUE;
    private String secondText;

    TimestampCache(ZoneId zone) {
        this.rules = zone.getRules();
    }

    /** {@code 2026-11-29 18:30:12}. */
    String second(long millis) {
        long sec = Math.floorDiv(millis, 1000L);
        if (sec == second) {
            return secondText;
        }
        long minute = Math.floorDiv(sec, 60L);
        if (minute != utcMinute) {
            // Offsets change at most a few times a year, so one zone lookup per minute is plenty.
            offsetSeconds = rules.getOffset(Instant.ofEpochSecond(sec)).getTotalSeconds();
            utcMinute = minute;
        }
        long local = sec + offsetSeconds;
        long lm = Math.floorDiv(local, 60L);
        if (lm != localMinute) {
            minuteChars = minuteChars(LocalDateTime.ofEpochSecond(local, 0, ZoneOffset.UTC));
            localMinute = lm;
        }
        int s = (int) Math.floorMod(local, 60L);
        char[] c = minuteChars.clone();
        c[17] = (char) ('0' + s / 10);
        c[18] = (char) ('0' + s % 10);
        second = sec;
        secondText = new String(c);
        return secondText;
    }

    /** {@code 2026-11-29 18:30:12.123}. */
    String withMillis(long millis) {
        int ms = (int) Math.floorMod(millis, 1000L);
        return second(millis) + '.' + (char) ('0' + ms / 100) + (char) ('0' + ms / 10 % 10) + (char) ('0' + ms % 10);
    }

    /** {@code 20261129-183012.123}, for per-request file names. */
    String fileStamp(long millis) {
        String t = withMillis(millis);
        return t.substring(0, 4) + t.substring(5, 7) + t.substring(8, 10) + '-'
                + t.substring(11, 13) + t.substring(14, 16) + t.substring(17);
    }

    private static char[] minuteChars(LocalDateTime t) {
        char[] c = "0000-00-00 00:00:00".toCharArray();
        put(c, 0, t.getYear(), 4);
        put(c, 5, t.getMonthValue(), 2);
        put(c, 8, t.getDayOfMonth(), 2);
        put(c, 11, t.getHour(), 2);
        put(c, 14, t.getMinute(), 2);
        return c;
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
