package llmproxy.demo;

import com.sun.net.httpserver.HttpHandler;
import llmproxy.config.Config;
import llmproxy.config.ConfigException;
import llmproxy.config.ConfigLoader;
import llmproxy.config.Problem;
import llmproxy.logging.Log;
import llmproxy.server.Gateway;
import llmproxy.server.ProxyServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code -demo}: starts fake providers on loopback, then the real proxy - the same ConfigLoader, Log and
 * Gateway as a normal run - with a built-in configuration pointing at them, and prints curl commands to try.
 * Binds 127.0.0.1 only and writes no file: there is no config file to watch and the log goes to the console.
 */
public final class Demo {
    /** Names the built-in configuration in messages; never read or written. */
    static final Path SOURCE = Path.of("demo-config.yaml");
    /** Slow enough that a streamed answer is seen arriving piece by piece. */
    private static final Duration PACE = Duration.ofMillis(40);

    private Demo() {
        throw new AssertionError();
    }

    /** Starts the demo; returns 0 once it serves (it keeps running until the JVM stops) or 1 when it cannot start. */
    public static int start(PrintStream out, PrintStream err) {
        Clock clock = Clock.systemUTC();
        ConfigLoader loader = new ConfigLoader(Map.of());
        // The JDK reads its HttpServer limits once, when the first server - a fake here - is created.
        ProxyServer.configureJdkServer(load(loader, DemoConfig.Ports.UNBOUND).server());
        List<FakeServer> fakes = new ArrayList<>();
        Log log = new Log();
        try {
            FakeServer openai = started(fakes, new FakeOpenAi(DemoConfig.OPENAI, DemoConfig.OPENAI_KEY,
                    List.of(DemoConfig.GPT_MODEL), n -> false, clock, PACE));
            FakeServer flaky = started(fakes, new FakeOpenAi(DemoConfig.FLAKY, DemoConfig.FLAKY_KEY,
                    List.of(DemoConfig.GPT_MODEL), n -> n % 2 == 1, clock, PACE));
            FakeServer anthropic = started(fakes, new FakeAnthropic(DemoConfig.ANTHROPIC, DemoConfig.ANTHROPIC_KEY,
                    List.of(DemoConfig.CLAUDE_MODEL), PACE));
            DemoConfig.Ports ports = new DemoConfig.Ports(DemoConfig.PREFERRED_PORT, openai.port(), flaky.port(),
                    anthropic.port());
            String yaml = DemoConfig.yaml(ports);
            Gateway gateway;
            try {
                gateway = serve(load(loader, yaml), log, clock);
            } catch (BindException busy) {
                yaml = DemoConfig.yaml(ports.withProxy(0));
                gateway = serve(load(loader, yaml), log, clock);
            }
            String url = "http://" + DemoConfig.HOST + ":" + gateway.address().getPort();
            log.info("llm-proxy demo listening on " + url + ": fake providers " + DemoConfig.OPENAI + " "
                    + openai.baseUrl() + ", " + DemoConfig.FLAKY + " " + flaky.baseUrl() + ", " + DemoConfig.ANTHROPIC
                    + " " + anthropic.baseUrl());
            log.flush();
            out.print(DemoGuide.text(url, yaml));
            out.flush();
            Gateway running = gateway;
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
                boolean drained = running.shutdown();
                fakes.forEach(FakeServer::close);
                log.info("llm-proxy demo stopped");
                log.close();
                // As in a configured run: Ctrl-C after a complete drain is a clean exit, not 130/143.
                Runtime.getRuntime().halt(drained ? 0 : 1);
            }));
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("llm-proxy: cannot start the demo: " + e);
            fakes.forEach(FakeServer::close);
            log.close();
            return 1;
        }
    }

    private static FakeServer started(List<FakeServer> fakes, HttpHandler provider)
            throws IOException {
        FakeServer fake = FakeServer.start(provider);
        fakes.add(fake);
        return fake;
    }

    /** The same start as a configured run: log settings and warnings first, then the gateway. */
    private static Gateway serve(Config config, Log log, Clock clock) throws IOException {
        log.apply(config.logging(), config.secrets());
        for (Problem w : config.warnings()) {
            log.warn("config: " + SOURCE + ": " + w);
        }
        return Gateway.start(config, log, clock);
    }

    /** The built-in text is part of the program, so a problem in it is a bug, not a user error. */
    static Config load(ConfigLoader loader, DemoConfig.Ports ports) {
        return load(loader, DemoConfig.yaml(ports));
    }

    static Config load(ConfigLoader loader, String yaml) {
        try {
            return loader.parse(yaml, SOURCE);
        } catch (ConfigException e) {
            throw new IllegalStateException("the built-in demo configuration is invalid: " + e.getMessage(), e);
        }
    }
}
