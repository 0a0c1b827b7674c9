package llmproxy.logging;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Replaces every occurrence of known secrets (backend keys, the proxy key, secret header values) by their masked
 * form, {@code first 5 + **** + last 4}, or {@code ****} when 12 characters or fewer. For text that leaves the
 * proxy (relayed upstream error bodies, response headers) as well as for log text. Immutable and thread-safe.
 * Secrets shorter than {@link #MIN_LENGTH} are ignored: replacing every "x" of a body would hide nothing.
 */
public final class Redactor {
    public static final Redactor NONE = new Redactor(List.of());
    public static final int MIN_LENGTH = 4;
    static final String MASK = "****";

    /** Longest first, so a secret that contains another is replaced whole. */
    private final List<String> secrets;
    private final List<String> masked;
    private final List<byte[]> secretBytes;
    private final List<byte[]> maskedBytes;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
        this.masked = secrets.stream().map(Redactor::mask).toList();
        this.secretBytes = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.maskedBytes = masked.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** A redactor for these values; nulls, duplicates and values shorter than {@link #MIN_LENGTH} are dropped. */
    public static Redactor of(Collection<String> secrets) {
        return new Redactor(secrets.stream().filter(Objects::nonNull).filter(s -> s.length() >= MIN_LENGTH)
                .distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList());
    }

    /** The masked form of one secret: {@code sk-ab****wxyz}, or {@code ****} for 12 characters or fewer. */
    public static String mask(String value) {
        return value.length() <= 12 ? MASK : value.substring(0, 5) + MASK + value.substring(value.length() - 4);
    }

    public boolean isEmpty() {
        return secrets.isEmpty();
    }

    /** The text with every secret masked; the same instance when it holds none. Null stays null. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        for (int i = 0; i < secrets.size(); i++) {
            if (s.contains(secrets.get(i))) {
                s = s.replace(secrets.get(i), masked.get(i));
            }
        }
        return s;
    }

    /**
     * The bytes with every secret's UTF-8 form masked, matched byte for byte, so a body in any encoding or
     * none survives unchanged around the secrets; the same array when it holds none. Null stays null.
     */
    public byte[] redact(byte[] body) {
        if (body == null) {
            return null;
        }
        byte[] b = body;
        for (int i = 0; i < secrets.size(); i++) {
            b = replace(b, secretBytes.get(i), maskedBytes.get(i));
        }
        return b;
    }

    private static byte[] replace(byte[] b, byte[] target, byte[] replacement) {
        int at = indexOf(b, target, 0);
        if (at < 0) {
            return b;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        int from = 0;
        for (; at >= 0; at = indexOf(b, target, from)) {
            out.write(b, from, at - from);
            out.write(replacement, 0, replacement.length);
            from = at + target.length;
        }
        out.write(b, from, b.length - from);
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, byte[] target, int from) {
        byte first = target[0];
        for (int i = from, end = b.length - target.length; i <= end; i++) {
            if (b[i] == first && Arrays.equals(b, i, i + target.length, target, 0, target.length)) {
                return i;
            }
        }
        return -1;
    }
}
