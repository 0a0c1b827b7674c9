package llmproxy.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * An API key. {@code toString()} never prints it, so a record holding a Secret can be logged safely.
 * An empty value means "not set".
 */
public record Secret(String value) {
    public static final Secret NONE = new Secret("");

    public Secret {
        value = value == null ? "" : value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? NONE : new Secret(value);
    }

    public boolean isSet() {
        return !value.isEmpty();
    }

    /** Constant-time comparison, so the time a wrong key takes says nothing about the right one. */
    public boolean matches(String candidate) {
        if (candidate == null || !isSet()) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return isSet() ? "<masked>" : "<none>";
    }
}
