package llmproxy.proxy;

import llmproxy.logging.Redactor;
import llmproxy.protocol.Translation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/** An upstream error body decoded: for the failure policy to read, and for relaying in plain form. */
final class ErrorBodies {
    private ErrorBodies() {
        throw new AssertionError();
    }

    /** What inflating gave: the bytes (at most the cap), and whether they are the whole body. */
    record Inflated(byte[] bytes, boolean whole) {
    }

    /** The body decoded (gzip/deflate) whole, or null when it was cut at the cap or cannot be decoded. */
    static byte[] plain(Outcome.HttpError e) {
        if (e.truncated()) {
            return null;
        }
        String enc = encoding(e);
        if (enc.isEmpty() || enc.equals("identity")) {
            return e.body();
        }
        Inflated in = inflate(e.body(), enc);
        return in != null && in.whole() ? in.bytes() : null;
    }

    /**
     * The body inflated up to {@link UpstreamClient#ERROR_BODY_CAP} when gzip/deflate encoded (null for another
     * encoding); a cut or corrupt stream keeps what decoded before it broke off, marked not whole.
     */
    static Inflated inflate(byte[] body, String encoding) {
        if (!encoding.equals("gzip") && !encoding.equals("x-gzip") && !encoding.equals("deflate")) {
            return null;
        }
        int cap = UpstreamClient.ERROR_BODY_CAP;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = encoding.equals("deflate") ? new InflaterInputStream(new ByteArrayInputStream(body))
                : new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf, 0, Math.min(buf.length, cap + 1 - out.size()))) > 0) {
                out.write(buf, 0, n);
                if (out.size() > cap) {
                    return new Inflated(java.util.Arrays.copyOf(out.toByteArray(), cap), false);
                }
            }
        } catch (IOException truncatedOrCorrupt) {
            return new Inflated(out.toByteArray(), false);
        }
        return new Inflated(out.toByteArray(), true);
    }

    static String encoding(Outcome.HttpError e) {
        return e.headers().firstValue("content-encoding").orElse("").trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Relays an upstream error answer: its kept headers, and its body decoded, translated when {@code translation}
     * is set (else byte for byte), with secrets masked. A body cut at the cap or undecodable would reach the client
     * corrupt (and could not be checked for echoed secrets): a JSON error says what happened instead.
     */
    static void relay(ProxyRequest r, Outcome.HttpError e, ClientResponse client, Translation translation)
            throws IOException {
        Redactor redactor = r.snapshot().redactor();
        HeaderFilter.copyErrorHeaders(e.headers(), client.headers(), redactor);
        client.headers().remove("Content-Encoding"); // the body goes out decoded, so secrets in it can be masked
        byte[] body = plain(e);
        if (body == null || translation != null) {
            client.headers().set("Content-Type", "application/json");
        }
        if (body == null) {
            body = ErrorResponses.body(r.dialect(), e.status(), "upstream_error_unreadable",
                    "the upstream's error answer (status " + e.status() + ") was larger than "
                            + UpstreamClient.ERROR_BODY_CAP / 1024 + " KiB or not decodable, and was dropped");
        } else if (translation != null) {
            body = translation.error(e.status(), body);
        }
        client.sendFixed(e.status(), redactor.redact(body));
    }
}
