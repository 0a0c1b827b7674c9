package llmproxy.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseReaderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<SseEvent> readAll(SseReader r, String s) throws SseException {
        return r.feed(utf8(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n", "\r\n", "\r"})
    void everyLineEndingSeparatesEvents(String eol) throws SseException {
        String stream = "event: a" + eol + "data: {\"x\":1}" + eol + eol + "data: two" + eol + eol;
        assertEquals(List.of(new SseEvent("a", "{\"x\":1}"), new SseEvent(null, "two")),
                readAll(new SseReader(1024), stream));
    }

    @Test
    void eventsSplitAtEveryByteBoundaryComeOutWhole() throws SseException {
        byte[] stream = utf8("event: message_start\r\ndata: {\"t\":\"é✓\"}\r\n\r\n: ping\r\n\r\ndata: [DONE]\r\n\r\n");
        SseReader r = new SseReader(1024);
        List<SseEvent> events = new ArrayList<>();
        for (byte b : stream) {
            events.addAll(r.feed(new byte[] {b}, 0, 1));
        }
        assertEquals(List.of(new SseEvent("message_start", "{\"t\":\"é✓\"}"), new SseEvent(null, "[DONE]")), events);
        assertFalse(r.hasPartialEvent());
    }

    @Test
    void crAtTheEndOfOneChunkAndLfAtTheStartOfTheNextAreOneLineBreak() throws SseException {
        SseReader r = new SseReader(1024);
        assertEquals(List.of(), r.feed(utf8("data: a\r")));
        assertEquals(List.of(new SseEvent(null, "a")), r.feed(utf8("\n\r\n")));
    }

    @Test
    void multiLineDataJoinsWithNewlinesAndCommentsAreSkipped() throws SseException {
        String stream = ": comment\ndata: one\n: between\ndata:two\ndata\n\n";
        assertEquals(List.of(new SseEvent(null, "one\ntwo\n")), readAll(new SseReader(1024), stream));
    }

    @Test
    void onlyOneSpaceAfterTheColonIsStripped() throws SseException {
        assertEquals(List.of(new SseEvent(" e", "  x ")), readAll(new SseReader(1024), "event:  e\ndata:   x \n\n"));
    }

    @Test
    void idRetryAndUnknownFieldsAreIgnoredAndAnEventWithoutDataIsNotDispatched() throws SseException {
        String stream = "id: 7\nretry: 100\nfoo: bar\n\nevent: lonely\n\ndata: x\n\n";
        assertEquals(List.of(new SseEvent(null, "x")), readAll(new SseReader(1024), stream));
    }

    @Test
    void aLeadingByteOrderMarkIsIgnored() throws SseException {
        assertEquals(List.of(new SseEvent(null, "x")), readAll(new SseReader(1024), "\uFEFFdata: x\n\n"));
    }

    @Test
    void anUnfinishedEventIsReportedAsPartial() throws SseException {
        SseReader r = new SseReader(1024);
        assertEquals(List.of(), readAll(r, "data: {\"cut\":"));
        assertTrue(r.hasPartialEvent());
        SseReader r2 = new SseReader(1024);
        readAll(r2, "data: x\n");
        assertTrue(r2.hasPartialEvent());
    }

    @Test
    void anEventLargerThanTheLimitIsAClearError() throws SseException {
        SseReader r = new SseReader(64);
        assertEquals(List.of(new SseEvent(null, "x".repeat(50))), readAll(r, "data: " + "x".repeat(50) + "\n\n"));
        SseException e = assertThrows(SseException.class, () -> readAll(r, "data: " + "y".repeat(100)));
        assertEquals("upstream event larger than 64 bytes", e.getMessage());
    }

    @Test
    void theLimitCountsAllLinesOfOneEvent() {
        SseReader r = new SseReader(64);
        assertThrows(SseException.class, () -> readAll(r, "data: 0123456789\n".repeat(5)));
    }

    @Test
    void keepAliveCommentsBetweenEventsDoNotCountTowardsTheLimit() throws SseException {
        SseReader r = new SseReader(64);
        assertEquals(List.of(), readAll(r, ": keep-alive\n".repeat(100)));
        assertEquals(List.of(new SseEvent(null, "x")), readAll(r, "data: x\n\n"));
    }

    @Test
    void writerProducesWhatTheReaderReads() throws SseException {
        byte[] named = SseWriter.event("content_block_delta", "{\"a\":1}");
        assertEquals("event: content_block_delta\ndata: {\"a\":1}\n\n", new String(named, StandardCharsets.UTF_8));
        assertEquals("data: [DONE]\n\n", new String(SseWriter.data("[DONE]"), StandardCharsets.UTF_8));
        byte[] multi = SseWriter.data("a\nb\r\nc");
        assertEquals("data: a\ndata: b\ndata: c\n\n", new String(multi, StandardCharsets.UTF_8));
        assertEquals(List.of(new SseEvent(null, "a\nb\nc")), new SseReader(1024).feed(multi));
    }
}
