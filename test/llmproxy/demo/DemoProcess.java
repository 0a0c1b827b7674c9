package llmproxy.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code java -jar llm-proxy.jar -demo} as a user runs it: a child JVM of the built jar, started in an empty
 * temp directory, its console read through a pipe (so the test itself writes nothing there either).
 */
final class DemoProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private DemoProcess(Process process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.reader = Thread.ofPlatform().daemon().name("demo-output").start(() -> copy(process.getInputStream()));
    }

    static DemoProcess start() throws IOException {
        Path jar = Path.of(System.getProperty("llmproxy.jar", "llm-proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + "; run ./build.sh first (tests run from the repo root)");
        }
        Path dir = Files.createTempDirectory("llmproxy-demo");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-jar", jar.toString(), "-demo").directory(dir.toFile())
                .redirectErrorStream(true).start();
        return new DemoProcess(p, dir);
    }

    private void copy(InputStream in) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            output.append("\n(output closed: ").append(e).append(")\n");
        }
    }

    /** Everything printed so far. */
    String output() {
        return output.toString();
    }

    /** Waits until the output satisfies {@code condition}; fails with the output when it does not in time. */
    String awaitOutput(Predicate<String> condition, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String now = output();
            if (condition.test(now)) {
                return now;
            }
            if (!process.isAlive()) {
                join(reader);
                if (condition.test(output())) {
                    return output();
                }
                throw new AssertionError("demo exited with " + process.exitValue() + " before " + what + ":\n" + output());
            }
            pause();
        }
        throw new AssertionError("no " + what + " within " + limit + ":\n" + output());
    }

    private static void join(Thread t) {
        try {
            t.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The working directory the demo runs in. */
    Path dir() {
        return dir;
    }

    /** The names in the working directory. */
    List<String> files() {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An address of this machine that is not loopback, to prove nothing listens there; null if there is none. */
    static InetAddress nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    /** SIGTERM, as Ctrl-C or a service manager stops it; returns the exit code (fails if it does not exit). */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("demo did not exit within 30 s of SIGTERM:\n" + output());
        }
        join(reader);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // A temp dir left behind is harmless.
        }
    }
}
