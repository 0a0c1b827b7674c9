package llmproxy.protocol;

/**
 * A body that cannot be translated. {@code status} is what the client should see: 400 for a client
 * request that is malformed or asks for what the other protocol cannot honour, 502 for an upstream answer
 * that does not have the shape its protocol promises. {@code param} names the field, or is {@code null}.
 */
public final class TranslationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String param;

    TranslationException(int status, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    /** The client asked for something the backend's protocol cannot do without changing the answer. */
    static TranslationException unsupported(String param, String why) {
        return new TranslationException(400, "unsupported_parameter", param,
                "unsupported parameter '" + param + "': " + why);
    }

    /** The client's body is malformed where the translation has to read it. */
    static TranslationException invalid(String param, String why) {
        return new TranslationException(400, "invalid_request", param, param + ": " + why);
    }

    /** The upstream answered with something its own protocol does not allow. */
    static TranslationException badUpstream(String why) {
        return new TranslationException(502, "bad_upstream_response", null, "upstream response: " + why);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }
}
