package llmproxy;

import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.config.ConfigLoader;
import llmproxy.config.ConfigSummary;
import llmproxy.config.Problem;
import llmproxy.demo.Demo;
import llmproxy.logging.Log;
import llmproxy.net.HttpClients;
import llmproxy.server.ConfigReloader;
import llmproxy.server.Gateway;
import llmproxy.server.HostPort;
import llmproxy.server.ProxyServer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;

/** Entry point: parses the command line, loads the config, wires the gateway and its reloader. */
public final class Main {
    static final String VERSION = "1.0.0";

    private Main() {
        throw new AssertionError();
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command; returns the exit code, or 0 after starting the server (which keeps running). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli;
        try {
            cli = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("llm-proxy: " + e.getMessage());
            err.println(CommandLine.USAGE);
            return 2;
        }
        if (cli.help()) {
            out.println(CommandLine.USAGE);
            return 0;
        }
        if (cli.version()) {
            out.println("llm-proxy " + VERSION + " (Java " + Runtime.version() + ")");
            return 0;
        }
        if (cli.demo()) {
            return Demo.start(out, err);
        }
        ConfigLoader loader = new ConfigLoader(System.getenv());
        Config config;
        try {
            config = loader.load(cli.config());
        } catch (ConfigException e) {
            err.println("llm-proxy: invalid config: " + e.getMessage());
            // Shown beside the errors so one run lists every finding, as the README promises.
            if (!e.warnings().isEmpty()) {
                err.println("warnings: " + e.warnings().size());
                e.warnings().forEach(w -> err.println("  " + w));
            }
            return 1;
        }
        if (cli.check()) {
            out.println(ConfigSummary.format(config));
            out.println("config OK: " + cli.config());
            return 0;
        }
        return start(cli.config(), config, loader, err);
    }

    private static int start(Path file, Config config, ConfigLoader loader, PrintStream err) {
        HttpClients.allowBasicForTunnels();
        ProxyServer.configureJdkServer(config.server());
        Log log = new Log();
        log.apply(config.logging(), config.secrets());
        for (Problem w : config.warnings()) {
            log.warn("config: " + file + ": " + w);
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config, log, Clock.systemUTC(), VERSION);
        } catch (IOException | RuntimeException e) {
            err.println("llm-proxy: cannot listen on \"" + config.listen() + "\": " + e.getMessage());
            log.close();
            return 1;
        }
        ConfigReloader reloader = ConfigReloader.start(file, loader, gateway, log);
        log.info("llm-proxy " + VERSION + " listening on " + HostPort.format(gateway.address()) + ": "
                + config.backends().size() + " backends, " + config.models().size() + " aliases (config "
                + file.toAbsolutePath() + ")");
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            reloader.close();
            boolean drained = gateway.shutdown();
            log.info("llm-proxy stopped");
            log.close();
            // SIGTERM/SIGINT would end the JVM with 143/130, which service managers report as a failure. Nothing
            // else ends a running server, so the exit status says how the drain went: 0 complete, 1 cut short.
            Runtime.getRuntime().halt(drained ? 0 : 1);
        }));
        return 0;
    }
}
