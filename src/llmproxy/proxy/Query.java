package llmproxy.proxy;

import llmproxy.config.Secret;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The client's query string on its way upstream. */
final class Query {
    private Query() {
        throw new AssertionError();
    }

    /**
     * {@code rawQuery} without the parameters whose value is one of {@code keys} (a client's {@code ?api_key=…}), or
     * that are one of them without a name ({@code ?KEY}).
     */
    static String without(String rawQuery, List<Secret> keys) {
        if (rawQuery == null || rawQuery.isEmpty() || keys.isEmpty()) {
            return rawQuery;
        }
        StringBuilder sb = null;
        int start = 0;
        while (start <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? rawQuery.length() : amp;
            String param = rawQuery.substring(start, end);
            int eq = param.indexOf('=');
            // A bare "?KEY" carries the key as much as "?api_key=KEY".
            boolean secret = isOneOf(decode(eq >= 0 ? param.substring(eq + 1) : param), keys);
            if (secret && sb == null) {
                sb = new StringBuilder(rawQuery.length());
                appendParams(sb, rawQuery, 0, start);
            } else if (!secret && sb != null) {
                if (!sb.isEmpty()) {
                    sb.append('&');
                }
                sb.append(param);
            }
            start = end + 1;
        }
        return sb == null ? rawQuery : sb.toString();
    }

    private static boolean isOneOf(String value, List<Secret> keys) {
        boolean found = false;
        for (Secret k : keys) {
            found |= k.matches(value); // constant time per key, no early exit
        }
        return found;
    }

    private static void appendParams(StringBuilder sb, String rawQuery, int from, int to) {
        if (to > from) {
            sb.append(rawQuery, from, to - 1); // without the '&' before the dropped one
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
