package llmproxy.logging;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request traces for tests: two attempts (a/m1 503 after 12.3 ms, then b/m2), first byte at 40 ms, end at 80 ms. */
final class Traces {
    static final long T0 = 1_000_000_000L;

    private Traces() {
    }

    static RequestTrace of(String rid, long startMillis, int finalStatus, Map<String, List<String>> headers, String body) {
        RequestTrace t = new RequestTrace(rid, startMillis, T0, "127.0.0.1:50000", "POST", "/v1/chat/completions");
        t.request(headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "gpt");
        t.attempt(new RequestTrace.Attempt("a", "m1", "http://a.test/v1/chat/completions", 503, null, "fallback",
                T0, T0 + 12_300_000L));
        t.attempt(new RequestTrace.Attempt("b", "m2", "http://b.test/v1/chat/completions", finalStatus, null,
                finalStatus < 400 ? "done" : "give up", T0 + 12_300_000L, T0 + 52_400_000L));
        t.firstByte(T0 + 40_000_000L);
        t.finish(finalStatus, "b", finalStatus < 400 ? "ok" : "failed", T0 + 80_000_000L);
        return t;
    }

    static RequestTrace ok(String rid, long startMillis) {
        return of(rid, startMillis, 200, headers("Content-Type", "application/json"), "{\"model\":\"gpt\"}");
    }

    static RequestTrace failed(String rid, long startMillis) {
        return of(rid, startMillis, 502, headers("Content-Type", "application/json"), "{\"model\":\"gpt\"}");
    }

    static Map<String, List<String>> headers(String... nameValue) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], List.of(nameValue[i + 1]));
        }
        return m;
    }
}
