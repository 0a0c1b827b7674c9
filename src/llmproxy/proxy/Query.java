package llmproxy.proxy;

import llmproxy.config.Secret;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;

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
        StringJoiner kept = new StringJoiner("&");
        boolean dropped = false;
        for (String param : rawQuery.split("&", -1)) {
            int eq = param.indexOf('=');
            // A bare "?KEY" carries the key as much as "?api_key=KEY".
            if (isOneOf(decode(eq >= 0 ? param.substring(eq + 1) : param), keys)) {
                dropped = true;
            } else {
                kept.add(param);
            }
        }
        return dropped ? kept.toString() : rawQuery;
    }

    private static boolean isOneOf(String value, List<Secret> keys) {
        boolean found = false;
        for (Secret k : keys) {
            found |= k.matches(value); // constant time per key, no early exit
        }
        return found;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
