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

/** An upstream error body in plain form, as the proxy relays it: decoded, whole, within the cap. */
final class ErrorBodies {
    private ErrorBodies() {
        throw new AssertionError();
    }

    /** The body decoded (gzip/deflate), or null when it was cut at the cap or cannot be decoded. */
    static byte[] plain(Outcome.HttpError e) {
        if (e.truncated()) {
            return null;
        }
        String enc = e.headers().firstValue("content-encoding").orElse("").trim().toLowerCase(Locale.ROOT);
        if (enc.isEmpty() || enc.equals("identity")) {
            return e.body();
        }
        if (!enc.equals("gzip") && !enc.equals("x-gzip") && !enc.equals("deflate")) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = enc.equals("deflate") ? new InflaterInputStream(new ByteArrayInputStream(e.body()))
                : new GZIPInputStream(new ByteArrayInputStream(e.body()))) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > UpstreamClient.ERROR_BODY_CAP) {
                    return null;
                }
            }
        } catch (IOException corrupt) {
            return null;
        }
        return out.toByteArray();
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
