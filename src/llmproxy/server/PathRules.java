package llmproxy.server;

import java.util.Set;

/**
 * Which raw request paths mean what. Paths are matched exactly on the raw (undecoded) form; anything
 * with empty, dot or percent-encoded segments is unknown, so path tricks cannot reach a handler the
 * plain path would not.
 */
final class PathRules {
    /** First segments served without the {@code /v1} prefix, as the same endpoints under {@code /v1}. */
    private static final Set<String> BARE_ENDPOINTS = Set.of("chat", "completions", "embeddings", "responses",
            "messages", "images", "audio", "moderations", "rerank", "score", "classify", "tokenize", "detokenize");

    private PathRules() {
        throw new AssertionError();
    }

    static boolean isHealth(String path) {
        return path.equals("/health") || path.equals("/healthz");
    }

    static boolean isModelList(String path) {
        return path.equals("/v1/models") || path.equals("/models");
    }

    /** The alias of {@code /v1/models/{alias}}, or null. */
    static String modelId(String path) {
        String rest = path.startsWith("/v1/models/") ? path.substring(11)
                : path.startsWith("/models/") ? path.substring(8) : null;
        return rest == null || rest.isEmpty() || !isClean(path) ? null : rest;
    }

    static boolean isProxied(String path) {
        if (!isClean(path)) {
            return false;
        }
        if (path.startsWith("/v1/")) {
            return path.length() > 4;
        }
        int slash = path.indexOf('/', 1);
        String first = slash < 0 ? path.substring(1) : path.substring(1, slash);
        return BARE_ENDPOINTS.contains(first);
    }

    /** No empty, "." or ".." segments, no percent-encoding, no backslashes, nothing but visible ASCII. */
    static boolean isClean(String path) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        int segStart = 1;
        for (int i = 1; i <= path.length(); i++) {
            char c = i < path.length() ? path.charAt(i) : '/';
            if (c == '/') {
                int len = i - segStart;
                if (len == 0 && i < path.length()) {
                    return false;
                }
                if ((len == 1 && path.charAt(segStart) == '.')
                        || (len == 2 && path.charAt(segStart) == '.' && path.charAt(segStart + 1) == '.')) {
                    return false;
                }
                segStart = i + 1;
            } else if (c == '%' || c == '\\' || c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
