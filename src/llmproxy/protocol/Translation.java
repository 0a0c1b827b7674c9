package llmproxy.protocol;

import llmproxy.json.JsonException;
import llmproxy.json.JsonParser;
import llmproxy.json.JsonValue.JsonBool;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonWriter;

import java.time.InstantSource;
import java.util.Map;

/**
 * Translation of one chat exchange between a client speaking one {@link Dialect} and a backend speaking
 * the other: the request body, the backend's path and extra headers, the JSON answer, error bodies, and
 * a per-attempt stream translator. Stateless and thread-safe; pure (no I/O), so the request path decides
 * when to call what.
 */
public final class Translation {
    /** The Anthropic API version whose wire shapes these translators write and read. */
    public static final String ANTHROPIC_VERSION = "2023-06-01";

    private final Dialect client;
    private final Dialect backend;
    private final InstantSource clock;

    private Translation(Dialect client, Dialect backend, InstantSource clock) {
        if (client == backend) {
            throw new IllegalArgumentException("no translation needed between " + client + " and itself");
        }
        this.client = client;
        this.backend = backend;
        this.clock = clock;
    }

    public static Translation between(Dialect client, Dialect backend) {
        return new Translation(client, backend, InstantSource.system());
    }

    /** With a clock for the {@code created} second of OpenAI answers built from Anthropic ones. */
    public static Translation between(Dialect client, Dialect backend, InstantSource clock) {
        return new Translation(client, backend, clock);
    }

    public Dialect client() {
        return client;
    }

    public Dialect backend() {
        return backend;
    }

    /**
     * The client's request body in the backend's protocol, naming {@code upstreamModel}. An OpenAI client
     * that omits {@code max_tokens} gets {@code defaultMaxTokens}, since Anthropic requires it.
     */
    public TranslatedRequest request(byte[] clientBody, String upstreamModel, int defaultMaxTokens)
            throws TranslationException {
        JsonObject req;
        try {
            req = JsonParser.parseObject(clientBody);
        } catch (JsonException e) {
            throw new TranslationException(400, "invalid_json", null, "request body is not valid JSON: "
                    + e.getMessage());
        }
        boolean stream = Boolean.TRUE.equals(Expect.CLIENT.optBool(req, "stream", "stream"));
        boolean wantsUsage = false;
        JsonObject body;
        if (client == Dialect.OPENAI) {
            JsonObject options = Expect.CLIENT.optObject(req, "stream_options", "stream_options");
            wantsUsage = options != null && Boolean.TRUE.equals(
                    Expect.CLIENT.optBool(options, "include_usage", "stream_options.include_usage"));
            body = OpenAiRequestToAnthropic.translate(req, upstreamModel, defaultMaxTokens);
        } else {
            body = AnthropicRequestToOpenAi.translate(req, upstreamModel);
        }
        return new TranslatedRequest(JsonWriter.bytes(body), stream, wantsUsage);
    }

    /** The backend's chat path in its {@code /v1} form, to be joined to the backend URL like a client path. */
    public String upstreamPath() {
        return backend.chatPath();
    }

    /** Headers the backend's protocol requires besides authentication. */
    public Map<String, String> upstreamHeaders() {
        return backend == Dialect.ANTHROPIC ? Map.of("anthropic-version", ANTHROPIC_VERSION) : Map.of();
    }

    /** A successful non-streaming answer in the client's protocol; a malformed one is a 502. */
    public byte[] response(byte[] upstreamJson) throws TranslationException {
        JsonObject answer;
        try {
            answer = JsonParser.parseObject(upstreamJson);
        } catch (JsonException e) {
            throw TranslationException.badUpstream("not valid JSON: " + e.getMessage());
        }
        JsonObject out = backend == Dialect.ANTHROPIC
                ? AnthropicResponseToOpenAi.translate(answer, clock.instant().getEpochSecond())
                : OpenAiResponseToAnthropic.translate(answer);
        return JsonWriter.bytes(out);
    }

    /** An upstream error body in the client's envelope; the caller keeps the status. */
    public byte[] error(int status, byte[] upstreamBody) {
        JsonObject out = backend == Dialect.ANTHROPIC
                ? ErrorEnvelopes.anthropicToOpenAi(status, upstreamBody)
                : ErrorEnvelopes.openAiToAnthropic(status, upstreamBody);
        return JsonWriter.bytes(out);
    }

    /** The body to answer a failed translation with, in the client's envelope, sent with {@code e.status()}. */
    public byte[] error(TranslationException e) {
        JsonObject out = client == Dialect.OPENAI
                ? ErrorEnvelopes.openAi(e.getMessage(), e.status() >= 500 ? "api_error" : "invalid_request_error",
                        e.param(), e.code())
                : ErrorEnvelopes.anthropic(ErrorEnvelopes.anthropicType(e.status()), e.getMessage());
        return JsonWriter.bytes(out);
    }

    /**
     * Whether an OpenAI client's body asks for the final usage chunk ({@code stream_options.include_usage}),
     * for a caller that kept only the client's bytes; false for anything unreadable.
     */
    public boolean clientWantsUsage(byte[] clientBody) {
        if (client != Dialect.OPENAI) {
            return false;
        }
        try {
            JsonObject req = JsonParser.parseObject(clientBody);
            return req.get("stream_options") instanceof JsonObject o && JsonBool.TRUE.equals(o.get("include_usage"));
        } catch (JsonException e) {
            return false;
        }
    }

    /** A fresh translator for one streaming attempt; {@code clientWantsUsage} as {@link #clientWantsUsage} tells. */
    public StreamTranslator stream(boolean clientWantsUsage) {
        return backend == Dialect.ANTHROPIC
                ? new AnthropicStreamToOpenAi(clientWantsUsage, clock.instant().getEpochSecond())
                : new OpenAiStreamToAnthropic();
    }
}
