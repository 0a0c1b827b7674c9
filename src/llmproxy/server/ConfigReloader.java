package llmproxy.server;

import llmproxy.config.ConfigLoader;
import llmproxy.logging.Log;

import java.nio.file.Path;

/** Watches the config file and applies valid changes to the gateway (STUB). */
public final class ConfigReloader implements AutoCloseable {
    private ConfigReloader() {
    }

    public static ConfigReloader start(Path file, ConfigLoader loader, Gateway gateway, Log log) {
        return new ConfigReloader();
    }

    @Override
    public void close() {
    }
}
