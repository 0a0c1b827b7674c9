package llmproxy.logging;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestBlockFormatterTest {
    private static final long START = Instant.parse("2026-11-29T17:30:12.123Z").toEpochMilli();
    private static final String NL = System.lineSeparator();
    private final RequestBlockFormatter formatter = new RequestBlockFormatter(new TimestampCache(ZoneId.of("Europe/Paris")));

    @Test
    void block_listsRequestAttemptsAndResult() {
        RequestTrace t = Traces.of("r1", START, 200, Traces.headers("Content-Type", "application/json"), "{\"a\":1}");
        t.attempts().set(0, new RequestTrace.Attempt("a", "m1", "http://a.test/v1", -1, "connect refused", "fallback",
                Traces.T0, Traces.T0 + 1_000_000L));
        assertEquals(String.join(NL,
                "request r1: POST /v1/chat/completions -> 200 ok",
                "  time: 2026-11-29 18:30:12.123",
                "  client: 127.0.0.1:50000",
                "  alias: gpt",
                "  headers:",
                "    Content-Type: application/json",
                "  body (7 bytes): {\"a\":1}",
                "  attempt 1: backend=a model=m1 url=http://a.test/v1 error=connect refused action=fallback took=1.0ms",
                "  attempt 2: backend=b model=m2 url=http://b.test/v1/chat/completions status=200 action=done took=40.1ms",
                "  result: status=200 backend=b result=ok ttfb=40.0ms total=80.0ms"),
                formatter.block(t, 4096, SecretMasker.DISABLED));
    }

    @Test
    void block_masksCredentialHeadersByName_andLeavesCredentialWordsInNamesAlone() {
        RequestTrace t = new RequestTrace("65e616bf1c4e8cb7", START, Traces.T0, "127.0.0.1:50000", "POST", "/v1/tokenize");
        t.request(Traces.headers("Authorization", "Bearer sk-abcdefghijklmnopqrstuvwxyz", "x-key-id", "42",
                "X-Api-Key", "abcdefghijklmnopq", "Cookie", "sid=0123456789abcdef", "X-Token-Budget", "my token budget"),
                "{\"model\":\"st-bearer\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "st-bearer");
        t.attempt(new RequestTrace.Attempt("bearer", "token-key-model", "http://127.0.0.1:19555/v1/tokenize", 200,
                null, "done", Traces.T0, Traces.T0 + 1_000_000L));
        t.finish(200, "bearer", "ok", Traces.T0 + 2_000_000L);
        SecretMasker masker = new SecretMasker(List.of());
        // as LogSink writes it: the formatter masks headers by name, then the whole block is masked once more
        assertEquals(String.join(NL,
                "request 65e616bf1c4e8cb7: POST /v1/tokenize -> 200 ok",
                "  time: 2026-11-29 18:30:12.123",
                "  client: 127.0.0.1:50000",
                "  alias: st-bearer",
                "  headers:",
                "    Authorization: Bearer sk-ab****wxyz",
                "    x-key-id: 42",
                "    X-Api-Key: abcde****nopq",
                "    Cookie: sid=0****cdef",
                "    X-Token-Budget: my token budget",
                "  body (21 bytes): {\"model\":\"st-bearer\"}",
                "  attempt 1: backend=bearer model=token-key-model url=http://127.0.0.1:19555/v1/tokenize status=200"
                        + " action=done took=1.0ms",
                "  result: status=200 backend=bearer result=ok ttfb=- total=2.0ms"),
                masker.mask(formatter.block(t, 4096, masker)));
    }

    @Test
    void block_truncatesTheBodyBeyondTheLimit() {
        RequestTrace t = Traces.of("r1", START, 200, Traces.headers(), "0123456789".repeat(10));
        String block = formatter.block(t, 25, SecretMasker.DISABLED);
        assertTrue(block.contains(NL + "  body (100 bytes): 0123456789012345678901234...[truncated 75 bytes]" + NL), block);
    }

    @Test
    void block_masksAKeyCutByTheTruncation() {
        String key = "sk-abcdefghijklmnopqrstuvwxyz";
        RequestTrace t = Traces.of("r1", START, 200, Traces.headers(), "{\"k\":\"" + key + "\"}");
        String block = formatter.block(t, 20, new SecretMasker(List.of()));
        assertTrue(block.contains("  body (37 bytes): {\"k\":\"sk-ab****wxyz\"...[truncated 17 bytes]"), block);
    }

    @Test
    void block_saysWhenThereIsNoBody() {
        RequestTrace t = Traces.of("r1", START, 200, Traces.headers(), null);
        assertTrue(formatter.block(t, 10, SecretMasker.DISABLED).contains(NL + "  body: (none)" + NL));
    }

    @Test
    void metrics_listsEachBackendWithTimeAndStatus() {
        assertEquals("[r1] metrics: alias=gpt status=200 backend=b attempts=2 ttfb=40.0ms total=80.0ms "
                + "backends=[a/m1:12.3ms:503, b/m2:40.1ms:200]", formatter.metrics(Traces.ok("r1", START)));
    }

    @Test
    void metrics_showsTransportFailuresAsErrorAndMissingFirstByteAsDash() {
        RequestTrace t = new RequestTrace("r2", START, Traces.T0, "c", "POST", "/v1/chat/completions");
        t.attempt(new RequestTrace.Attempt("a", "m1", "http://a.test", -1, "timeout", "give up", Traces.T0,
                Traces.T0 + 5_000_000L));
        t.finish(504, "", "timeout", Traces.T0 + 6_000_000L);
        assertEquals("[r2] metrics: alias= status=504 backend= attempts=1 ttfb=- total=6.0ms "
                + "backends=[a/m1:5.0ms:error]", formatter.metrics(t));
    }
}
