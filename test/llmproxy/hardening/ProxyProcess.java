package llmproxy.hardening;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * The real built {@code llm-proxy.jar} running as a child JVM on 127.0.0.1 with a config written to a
 * temp file, plus what the hardening tests measure from outside: threads and descriptors from /proc,
 * request handlers still alive from a thread dump, and the process log.
 */
final class ProxyProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;
    private final Path log;
    private final Path config;

    private ProxyProcess(Process process, int port, Path dir, Path log, Path config) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.log = log;
        this.config = config;
    }

    /**
     * Starts the jar with {@code yaml}, in which {@code ${PORT}} is replaced by a free loopback port, and
     * waits for /health 200. {@code jvmOptions} go before {@code -jar} (e.g. {@code -Xmx64m}).
     */
    static ProxyProcess start(String yaml, String... jvmOptions) {
        return start(yaml, List.of(), jvmOptions);
    }

    /** As {@link #start(String, String...)}, with the process allowed only {@code openFiles} descriptors (via sh). */
    static ProxyProcess startWithOpenFileLimit(String yaml, int openFiles) {
        return start(yaml, List.of("/bin/sh", "-c", "ulimit -n " + openFiles + " && exec \"$0\" \"$@\""));
    }

    private static ProxyProcess start(String yaml, List<String> wrapper, String... jvmOptions) {
        try {
            Path dir = Files.createTempDirectory("llmproxy-hardening");
            int port = freePort();
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, yaml.replace("${PORT}", Integer.toString(port)));
            Path log = dir.resolve("proxy.out");
            List<String> cmd = new ArrayList<>(wrapper);
            cmd.add(javaBin("java").toString());
            cmd.addAll(List.of(jvmOptions));
            cmd.addAll(List.of("-jar", jar().toString(), "-config", config.toString()));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            ProxyProcess proxy = new ProxyProcess(p, port, dir, log, config);
            proxy.awaitHealthy(Duration.ofSeconds(20));
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar under test: {@code -Dllmproxy.jar=...}, else {@code llm-proxy.jar} in the working directory (the repo root). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("llmproxy.jar", "llm-proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + "; run ./build.sh first (tests run from the repo root)");
        }
        return jar;
    }

    /** A tool of the JDK running the tests (java, jcmd); it is at least 21, like the proxy needs. */
    static Path javaBin(String tool) {
        return Path.of(System.getProperty("java.home"), "bin", tool);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitHealthy(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("proxy exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (RawHttp.send(port, RawHttp.get("/health"), Duration.ofSeconds(2)).status() == 200) {
                    return;
                }
            } catch (IOException | AssertionError notYet) {
                // Still starting.
            }
            sleep(50);
        }
        close();
        throw new IllegalStateException("proxy not healthy within " + limit + ":\n" + log());
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    Path config() {
        return config;
    }

    /** Everything the proxy printed so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Platform threads of the proxy JVM from /proc/PID/task, without the two elastic pools: the
     * HttpClient's cached workers (kept 60 s after a burst) and the virtual-thread carriers. Pool threads
     * stuck in request code still show up in {@link #handlerThreads()}.
     */
    int threads() {
        assumeProc();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
            return (int) tasks.filter(t -> !isPooled(t)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isPooled(Path task) {
        try {
            String name = Files.readString(task.resolve("comm")).trim();
            return name.startsWith("HttpClient-") || name.startsWith("ForkJoinPool");
        } catch (IOException gone) {
            return true; // The thread ended while we looked.
        }
    }

    /** CPU time (user + system) the proxy JVM has used so far, from /proc/PID/stat, in clock ticks (1/100 s). */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15 of stat
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Open file descriptors of the proxy JVM (sockets included), from /proc/PID/fd. */
    int fds() {
        assumeProc();
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Threads (virtual ones included) currently running proxy request code, counted in a
     * {@code jcmd Thread.dump_to_file} dump: a handler stuck on a dead peer shows up here even though a
     * virtual thread is invisible in /proc.
     */
    int handlerThreads() {
        Path dump = dir.resolve("threads-" + System.nanoTime() + ".txt");
        try {
            Process jcmd = new ProcessBuilder(javaBin("jcmd").toString(), Long.toString(pid()),
                    "Thread.dump_to_file", dump.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(20, TimeUnit.SECONDS) || jcmd.exitValue() != 0 || !Files.exists(dump)) {
                jcmd.destroyForcibly();
                throw new IllegalStateException("jcmd Thread.dump_to_file failed for pid " + pid());
            }
            String text = Files.readString(dump, StandardCharsets.UTF_8);
            Files.delete(dump);
            int n = 0;
            for (String thread : text.split("\n\n")) {
                boolean handler = thread.contains("llmproxy.server.Dispatcher.handle")
                        || thread.contains("llmproxy.proxy.") && !thread.contains("\"write-watchdog\"");
                if (handler) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True where /proc/PID/task and /proc/PID/fd can be read (Linux); the resource checks need it. */
    static boolean hasProc() {
        return Files.isDirectory(Path.of("/proc/self/task")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** Skips the calling test (a JUnit assumption) where there is no /proc to count threads and descriptors. */
    static void assumeProc() {
        Assumptions.assumeTrue(hasProc(), "no /proc on this system: thread and descriptor counts cannot be read");
    }

    /**
     * Waits up to {@code limit} until no request handler runs and three readings 100 ms apart agree (lazily
     * started pools and closing sockets have settled), and returns that reading: a baseline for leak checks.
     */
    Resources awaitSteadyResources(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        if (!await(limit, () -> handlerThreads() == 0)) {
            throw new AssertionError("request handlers still running after " + limit);
        }
        Resources last = resources();
        int same = 0;
        while (same < 2 && System.nanoTime() < deadline) {
            sleep(100);
            Resources now = resources();
            same = now.equals(last) ? same + 1 : 0;
            last = now;
        }
        if (same < 2) {
            throw new AssertionError("thread and descriptor counts did not settle within " + limit + ": " + last);
        }
        return last;
    }

    /** A snapshot of what a leak would grow. */
    record Resources(int threads, int fds) {
    }

    Resources resources() {
        return new Resources(threads(), fds());
    }

    /**
     * Waits up to {@code limit} for threads and descriptors to come back within {@code slack} of
     * {@code baseline} and for no request handler to be left; fails with the last counts otherwise.
     */
    void assertSettlesTo(Resources baseline, int slack, Duration limit, String after) {
        long deadline = System.nanoTime() + limit.toNanos();
        Resources now = resources();
        while (!(now.threads() <= baseline.threads() + slack && now.fds() <= baseline.fds() + slack)
                && System.nanoTime() < deadline) {
            sleep(100);
            now = resources();
        }
        if (now.threads() > baseline.threads() + slack || now.fds() > baseline.fds() + slack) {
            throw new AssertionError("after " + after + ": resources did not settle: baseline " + baseline
                    + ", now " + now + " (slack " + slack + ")");
        }
        int handlers = handlerThreads();
        while (handlers > 0 && System.nanoTime() < deadline) {
            sleep(200);
            handlers = handlerThreads();
        }
        if (handlers > 0) {
            throw new AssertionError("after " + after + ": " + handlers + " request handler thread(s) still alive");
        }
    }

    /** Waits for {@code condition} up to {@code limit}; true if it held. */
    static boolean await(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            sleep(20);
        }
        return condition.getAsBoolean();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, as an orchestrator stopping the container sends. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // A temp dir left behind is harmless.
        }
    }
}
