package llmproxy.proxy;

import java.net.URI;

/**
 * Where a request goes on a backend. A backend URL with a path replaces the client path's leading
 * {@code /v1} ({@code https://openrouter.ai/api/v1} + {@code /v1/chat/completions} ->
 * {@code /api/v1/chat/completions}); without a path the client path is kept, in its {@code /v1} form.
 * Queries are merged, the backend's own first (Azure's {@code api-version}).
 */
final class UpstreamUrl {
    private UpstreamUrl() {
        throw new AssertionError();
    }

    static URI join(URI backend, String rawPath, String rawQuery) {
        String suffix = rawPath.startsWith("/v1/") || rawPath.equals("/v1") ? rawPath.substring(3) : rawPath;
        String basePath = backend.getRawPath() == null ? "" : backend.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        StringBuilder sb = new StringBuilder(96);
        sb.append(backend.getScheme()).append("://").append(backend.getRawAuthority());
        sb.append(basePath.isEmpty() ? "/v1" : basePath).append(suffix);
        String q1 = backend.getRawQuery();
        boolean has1 = q1 != null && !q1.isEmpty();
        boolean has2 = rawQuery != null && !rawQuery.isEmpty();
        if (has1 || has2) {
            sb.append('?');
            if (has1) {
                sb.append(q1);
            }
            if (has1 && has2) {
                sb.append('&');
            }
            if (has2) {
                sb.append(rawQuery);
            }
        }
        return URI.create(sb.toString());
    }
}
