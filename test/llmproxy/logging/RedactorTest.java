package llmproxy.logging;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactorTest {
    private static final String BACKEND_KEY = "sk-backend-0123456789abcdef";
    private static final String PROXY_KEY = "proxy-key-fedcba9876543210";
    private final Redactor redactor = Redactor.of(List.of(BACKEND_KEY, PROXY_KEY, "hdr-secret1"));

    @Test
    void redactString_masksEveryOccurrenceOfEverySecret() {
        assertEquals("{\"error\":\"Incorrect API key provided: sk-ba****cdef (again sk-ba****cdef), proxy****3210,"
                        + " header ****\"}",
                redactor.redact("{\"error\":\"Incorrect API key provided: " + BACKEND_KEY + " (again " + BACKEND_KEY
                        + "), " + PROXY_KEY + ", header hdr-secret1\"}"));
    }

    @Test
    void redactString_returnsTextWithoutSecretsAsIs() {
        String text = "request-id: abc123";
        assertSame(text, redactor.redact(text));
        assertNull(redactor.redact((String) null));
    }

    @Test
    void redactBytes_masksByteForByte_leavingOtherBytesEvenInvalidUtf8Alone() {
        byte[] prefix = {(byte) 0xff, (byte) 0xfe, 'k', '='};
        byte[] key = BACKEND_KEY.getBytes(StandardCharsets.UTF_8);
        byte[] suffix = {(byte) 0xc3, 0, '\n'};
        byte[] body = concat(prefix, key, suffix, key);
        byte[] masked = "sk-ba****cdef".getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(concat(prefix, masked, suffix, masked), redactor.redact(body));
    }

    @Test
    void redactBytes_returnsTheSameArrayWhenThereIsNoSecret() {
        byte[] body = "{\"error\":\"quota\"}".getBytes(StandardCharsets.UTF_8);
        assertSame(body, redactor.redact(body));
        assertNull(redactor.redact((byte[]) null));
    }

    @Test
    void longerSecretsAreMaskedFirst_soASecretContainingAnotherIsHiddenWhole() {
        Redactor r = Redactor.of(List.of("abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz"));
        assertEquals("abcde****wxyz / abcde****mnop", r.redact("abcdefghijklmnopqrstuvwxyz / abcdefghijklmnop"));
    }

    @Test
    void tinyEmptyAndNullSecrets_areIgnored() {
        Redactor r = Redactor.of(Arrays.asList("x", "", null, "abc"));
        assertTrue(r.isEmpty());
        assertEquals("x abc", r.redact("x abc"));
        assertTrue(Redactor.NONE.isEmpty());
    }

    @Test
    void mask_keepsFirstFiveAndLastFour_orHidesShortValuesWhole() {
        assertEquals("sk-ab****wxyz", Redactor.mask("sk-abcdefghijklmnopqrstuvwxyz"));
        assertEquals("abcde****jklm", Redactor.mask("abcdefghijklm"));
        assertEquals("****", Redactor.mask("abcdefghijkl"));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
