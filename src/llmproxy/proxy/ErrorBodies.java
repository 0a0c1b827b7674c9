package llmproxy.proxy;

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
}
