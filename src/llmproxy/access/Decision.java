package llmproxy.access;

/** Whether a caller may go on: yes, no (403 {@code permission_denied}), or not yet (429 with Retry-After). */
public sealed interface Decision {
    record Allowed() implements Decision {
    }

    record Forbidden(String message) implements Decision {
    }

    /** Over the key's rpm; a token is back after {@code retryAfterSeconds} (at least 1). */
    record Limited(long retryAfterSeconds, String message) implements Decision {
    }

    Decision ALLOWED = new Allowed();
}
