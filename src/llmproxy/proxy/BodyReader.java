package llmproxy.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads a request body into memory up to a limit, never buffering past it. */
final class BodyReader {
    private BodyReader() {
        throw new AssertionError();
    }

    /** The body, or null when it is longer than {@code max}. {@code declared} is Content-Length or -1. */
    static byte[] read(InputStream in, long declared, long max) throws IOException {
        if (declared > max) {
            return null;
        }
        if (declared >= 0) {
            byte[] body = in.readNBytes((int) declared);
            if (body.length != declared) {
                throw new IOException("request body ended after " + body.length + " of " + declared + " bytes");
            }
            return body;
        }
        byte[] buf = new byte[8192];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > max) {
                    return null;
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, max + 1));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n > max) {
                return null;
            }
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }
}
