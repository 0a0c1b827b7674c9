package llmproxy.proxy;

import llmproxy.config.Detection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailurePolicyTest {
    private static final long COOLDOWN = 60_000;
    private static final long NOW = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    private static final Detection DEFAULTS = Detection.defaults();

    private static HttpHeaders headers(String... nameValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], List.of(nameValues[i + 1]));
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    private static Outcome.HttpError error(int status, String body, String... headers) {
        return new Outcome.HttpError(status, headers(headers), body.getBytes(StandardCharsets.UTF_8));
    }

    private static FailurePolicy.Decision decide(Outcome outcome, Detection detection) {
        return FailurePolicy.decide(outcome, detection, COOLDOWN, NOW);
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out)) {
            d.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 529})
    void requestPattern_inAServerError_isTheRequestsProblem_fallsBackWithoutCooldownOrSameRouteRetry(int status) {
        Detection detection = new Detection(List.of("429", "5xx"), List.of(), List.of("my_custom_req_err"));

        FailurePolicy.Decision d = decide(error(status, "{\"error\":{\"message\":\"my_custom_req_err happened\"}}"),
                detection);

        assertTrue(d.fallback());
        assertEquals(0, d.cooldownMillis());
        assertFalse(d.retryable());
    }

    @Test
    void contextLength_inAServerError_isTheRequestsProblem_notTheBackends() {
        FailurePolicy.Decision d = decide(error(500, "{\"error\":{\"code\":\"context_length_exceeded\"}}"), DEFAULTS);

        assertTrue(d.fallback());
        assertEquals(0, d.cooldownMillis());
        assertFalse(d.retryable());
    }

    @Test
    void rateLimit_isAlwaysTheBackendsProblem_evenWhenItsTextLooksLikeARequestProblem() {
        Detection detection = new Detection(List.of("429", "5xx"), List.of(), List.of("tokens"));

        FailurePolicy.Decision d = decide(error(429, "{\"error\":{\"message\":\"too many tokens per min\"}}"),
                detection);

        assertEquals(COOLDOWN, d.cooldownMillis());
        assertTrue(d.retryable());
    }

    @Test
    void transportFailure_fallsBack_withCooldown() {
        FailurePolicy.Decision d = decide(new Outcome.Transport(Outcome.Kind.CONNECT, "connection refused"), DEFAULTS);
        assertTrue(d.fallback());
        assertEquals(COOLDOWN, d.cooldownMillis());
        assertEquals("connection refused", d.why());
    }

    @ParameterizedTest
    @CsvSource({
            "'429,5xx', 429", "'429,5xx', 500", "'429,5xx', 502", "'429,5xx', 599",
            "'5XX', 503", "'4XX', 401", "'4xx', 403", "'401', 401", "'418,5xx', 418"})
    void statusInErrorCodes_fallsBack_withCooldown(String codes, int status) {
        Detection d = new Detection(List.of(codes.split(",")), List.of());
        FailurePolicy.Decision decision = decide(error(status, "{}"), d);
        assertTrue(decision.fallback());
        assertEquals(COOLDOWN, decision.cooldownMillis());
    }

    @ParameterizedTest
    @CsvSource({"'429,5xx', 401", "'429,5xx', 400", "'429,5xx', 404", "'429,5xx', 428", "'5xx', 429",
            "'4xx', 500", "'401', 4010", "'50x', 500"})
    void statusNotMatched_andNoPattern_doesNotFallBack(String codes, int status) {
        FailurePolicy.Decision d = decide(error(status, "{}"), new Detection(List.of(codes.split(",")), List.of()));
        assertFalse(d.fallback());
        assertEquals(0, d.cooldownMillis());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 413, 422})
    void requestErrors_matchedByCode_fallBack_withoutCooldown(int status) {
        Detection d = new Detection(List.of(Integer.toString(status)), List.of("overloaded"));
        FailurePolicy.Decision decision = decide(error(status, "{\"error\":\"bad request\"}"), d);
        assertTrue(decision.fallback());
        assertEquals(0, decision.cooldownMillis());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 413, 422})
    void requestErrors_matchedByWildcard_fallBack_withoutCooldown(int status) {
        FailurePolicy.Decision decision = decide(error(status, "x"), new Detection(List.of("4xx"), List.of()));
        assertTrue(decision.fallback());
        assertEquals(0, decision.cooldownMillis());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 404, 413, 422})
    void requestErrors_withMatchedPattern_coolDown(int status) {
        Detection d = new Detection(List.of("4xx"), List.of("Model Not Found"));
        FailurePolicy.Decision decision = decide(error(status, "{\"error\":\"The MODEL not found here\"}"), d);
        assertTrue(decision.fallback());
        assertEquals(COOLDOWN, decision.cooldownMillis());
        assertTrue(decision.why().contains("model not found"), decision.why());
    }

    @Test
    void pattern_matchesCaseInsensitively_inAPlainBody_evenWithoutStatusMatch() {
        Detection d = new Detection(List.of("5xx"), List.of("Quota Exceeded"));
        FailurePolicy.Decision decision = decide(error(403, "{\"message\":\"QUOTA exceeded for key\"}"), d);
        assertTrue(decision.fallback());
        assertEquals(COOLDOWN, decision.cooldownMillis());
    }

    @Test
    void pattern_notInBody_doesNotFallBack() {
        Detection d = new Detection(List.of("5xx"), List.of("quota exceeded"));
        assertFalse(decide(error(403, "{\"message\":\"forbidden\"}"), d).fallback());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "GZIP", "x-gzip", " gzip "})
    void pattern_matchesInAGzipBody(String encoding) {
        Detection d = new Detection(List.of("5xx"), List.of("rate limit"));
        byte[] body = gzip("{\"error\":{\"message\":\"Rate LIMIT reached\"}}");
        assertFalse(new String(body, StandardCharsets.ISO_8859_1).toLowerCase().contains("rate limit"));
        FailurePolicy.Decision decision = decide(new Outcome.HttpError(403, headers("Content-Encoding", encoding), body), d);
        assertTrue(decision.fallback());
        assertEquals(COOLDOWN, decision.cooldownMillis());
    }

    @Test
    void pattern_matchesInADeflateBody() {
        Detection d = new Detection(List.of(), List.of("rate limit"));
        byte[] body = deflate("Rate limit reached");
        assertTrue(decide(new Outcome.HttpError(403, headers("content-encoding", "deflate"), body), d).fallback());
    }

    @Test
    void decode_gzipBodyTruncatedAtTheCap_stillYieldsTheDecodedPrefix() {
        StringBuilder sb = new StringBuilder("{\"error\":\"rate limit reached\",\"pad\":\"");
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            sb.append(Long.toHexString(random.nextLong())); // incompressible, so the gzip stream is long
        }
        byte[] full = gzip(sb.append("\"}").toString());
        byte[] truncated = Arrays.copyOf(full, full.length / 2);
        assertTrue(FailurePolicy.decode(truncated, "gzip").startsWith("{\"error\":\"rate limit reached\""));
    }

    @Test
    void decode_bodyClaimingGzipButPlain_isReadAsIs() {
        assertEquals("plain text", FailurePolicy.decode("plain text".getBytes(StandardCharsets.UTF_8), "gzip"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "identity", "br"})
    void decode_otherEncodings_readTheBytesAsUtf8(String encoding) {
        assertEquals("caf\u00e9", FailurePolicy.decode("caf\u00e9".getBytes(StandardCharsets.UTF_8), encoding));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503})
    void retryAfterSeconds_on429And503_setsTheCooldown(int status) {
        FailurePolicy.Decision d = decide(error(status, "", "Retry-After", "7"), DEFAULTS);
        assertTrue(d.fallback());
        assertEquals(7_000, d.cooldownMillis());
    }

    @Test
    void retryAfterDate_on429_setsTheCooldownUntilThatDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(NOW + 90_000).atZone(ZoneOffset.UTC));
        assertEquals(90_000, decide(error(429, "", "retry-after", date), DEFAULTS).cooldownMillis());
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 504})
    void retryAfter_onOtherStatuses_isIgnored(int status) {
        assertEquals(COOLDOWN, decide(error(status, "", "Retry-After", "7"), DEFAULTS).cooldownMillis());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "soon", "", "Wed, 32 Foo 2015 07:28:00 GMT"})
    void unusableRetryAfter_keepsTheConfiguredCooldown(String value) {
        assertEquals(COOLDOWN, decide(error(429, "", "Retry-After", value), DEFAULTS).cooldownMillis());
    }

    @ParameterizedTest
    @CsvSource({"7, 7000", "' 12 ', 12000", "0, 0", "-1, 0", "999999999, 86400000", "abc, 0",
            "'Wed, 01 Jan 2025 00:00:30 GMT', 30000", "'Tue, 31 Dec 2024 23:59:00 GMT', 0"})
    void retryAfterMillis_readsSecondsAndDates(String value, long expected) {
        assertEquals(expected, FailurePolicy.retryAfterMillis(headers("Retry-After", value), NOW));
    }

    @Test
    void retryAfterMillis_absent_isZero() {
        assertEquals(0, FailurePolicy.retryAfterMillis(headers(), NOW));
    }

    @Test
    void emptyErrorCodes_onlyPatternsTrigger() {
        Detection d = new Detection(List.of(), List.of("overloaded"));
        assertFalse(decide(error(500, "{\"error\":\"internal\"}"), d).fallback());
        assertFalse(decide(error(429, "slow down"), d).fallback());
        FailurePolicy.Decision matched = decide(error(500, "Server OVERLOADED"), d);
        assertTrue(matched.fallback());
        assertEquals(COOLDOWN, matched.cooldownMillis());
    }

    @Test
    void emptyErrorCodes_andNoPatterns_neverFallBackOnStatus() {
        Detection d = new Detection(List.of(), List.of());
        assertFalse(decide(error(503, "overloaded"), d).fallback());
        assertTrue(decide(new Outcome.Transport(Outcome.Kind.TIMEOUT, "timeout"), d).fallback());
    }

    @Test
    void detection_normalisesCodesAndPatterns() {
        Detection d = new Detection(List.of("5XX", "429"), List.of("", "Rate Limit"));
        assertEquals(List.of("5xx", "429"), d.errorCodes());
        assertEquals(List.of("rate limit"), d.errorPatterns());
    }
}
