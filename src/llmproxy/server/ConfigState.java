package llmproxy.server;

import java.util.List;

/**
 * What /status says about the config: the file, when the serving config was loaded and its SHA-256, and the
 * last reload's result ("none" before the first, "ok" or "failed") with its problems.
 */
record ConfigState(String path, long loadedAtMillis, String sha256, String lastReloadResult, long lastReloadAtMillis,
                   List<String> lastReloadProblems) {
    ConfigState {
        lastReloadProblems = List.copyOf(lastReloadProblems);
    }

    static ConfigState started(long atMillis) {
        return new ConfigState(null, atMillis, null, "none", 0, List.of());
    }
}
