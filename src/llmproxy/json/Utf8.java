package llmproxy.json;

/** Strict UTF-8: the one check both JSON readers make of every non-ASCII byte sequence. */
final class Utf8 {
    private Utf8() {
        throw new AssertionError();
    }

    /**
     * The length of the well-formed multi-byte sequence starting at {@code pos} (lead byte ≥ 0x80), or -1 when it
     * is malformed: a bad lead or continuation byte, an overlong form, a surrogate, beyond U+10FFFF, or cut by
     * {@code end}.
     */
    static int sequence(byte[] in, int pos, int end) {
        int b = in[pos] & 0xff;
        int extra;
        int min;
        if (b >= 0xc2 && b <= 0xdf) {
            extra = 1;
            min = 0x80;
        } else if (b >= 0xe0 && b <= 0xef) {
            extra = 2;
            min = 0x800;
        } else if (b >= 0xf0 && b <= 0xf4) {
            extra = 3;
            min = 0x10000;
        } else {
            return -1;
        }
        if (end - pos <= extra) {
            return -1;
        }
        int cp = b & (0x3f >> extra);
        for (int i = 1; i <= extra; i++) {
            int c = in[pos + i] & 0xff;
            if ((c & 0xc0) != 0x80) {
                return -1;
            }
            cp = (cp << 6) | (c & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return -1;
        }
        return extra + 1;
    }
}
