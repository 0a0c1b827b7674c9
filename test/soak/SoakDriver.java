package llmproxy.soak;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Bounded soak of the built jar, loopback only, no dependencies: hosts three mock upstreams (fast JSON,
 * SSE, and a flaky one that answers 503 or drops the connection part of the time), starts the jar,
 * drives mixed streaming and non-streaming traffic while rewriting the config every few seconds, then
 * checks that every request was answered correctly and that heap, threads and descriptors stayed flat.
 * Every alias keeps an always-healthy backend, so every request must succeed.
 *
 * <pre>bash test/soak/soak.sh   (compiles this file, then: java llmproxy.soak.SoakDriver llm-proxy.jar SECONDS [CONCURRENCY])</pre>
 */
public final class SoakDriver {
    private static final String KEY = "sk-soak-proxy-key-5b1f0c";
    private static final String CHAT = "{\"id\":\"chatcmpl-soak\",\"object\":\"chat.completion\",\"choices\":[]}";
    /** The first "used NK" of GC.heap_info is the whole heap's, for every collector. */
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final LongAdder sent = new LongAdder();
    private final LongAdder ok = new LongAdder();
    private final LongAdder streamed = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final LongAdder flakyHits = new LongAdder();
    private final LongAdder injected = new LongAdder();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicLong inFlight = new AtomicLong();

    private SoakDriver() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java llmproxy.soak.SoakDriver llm-proxy.jar SECONDS [CONCURRENCY]");
            System.exit(2);
        }
        int code = new SoakDriver().run(Path.of(args[0]).toAbsolutePath(), Integer.parseInt(args[1]),
                args.length > 2 ? Integer.parseInt(args[2]) : 16);
        System.exit(code);
    }

    private int run(Path jar, int seconds, int concurrency) throws Exception {
        HttpServer fast = mock(this::fast);
        HttpServer sse = mock(this::sse);
        HttpServer flaky = mock(this::flaky);
        Path dir = Files.createTempDirectory("llmproxy-soak");
        Path config = dir.resolve("config.yaml");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] variants = {config(port, fast, sse, flaky, 1, "info"), config(port, fast, sse, flaky, 2, "info")};
        Files.writeString(config, variants[0]);
        Path out = dir.resolve("proxy.out");
        Process proxy = new ProcessBuilder(javaTool("java"), "-Xmx256m", "-jar", jar.toString(), "-config",
                config.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(Duration.ofSeconds(5)).build();
        List<String> problems = new ArrayList<>();
        try {
            awaitHealthy(client, port, proxy, out);
            System.out.printf("soak: pid %d, %ds, concurrency %d, config rewritten every 3s%n", proxy.pid(), seconds,
                    concurrency);
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
            for (int i = 0; i < concurrency; i++) {
                workers.submit(() -> drive(client, port, stop));
            }
            long warmUp = Math.max(5, seconds / 6);
            Thread.sleep(warmUp * 1000);
            Sample first = quiesceAndSample(proxy);
            System.out.println("soak: after " + warmUp + "s warm-up: " + first);
            int reloads = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(3_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
                reloads++;
                Path tmp = dir.resolve("config.yaml.tmp");
                Files.writeString(tmp, variants[reloads % 2]);
                Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            stop.set(true);
            workers.shutdown();
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                problems.add("workers did not finish within 30s of the end: requests hang");
            }
            Thread.sleep(2_000);
            Sample last = sample(proxy);
            double secs = (System.nanoTime() - start) / 1e9;
            long applied = Files.readAllLines(out).stream().filter(l -> l.contains("config reloaded")).count();
            System.out.printf("soak: %d requests in %.0fs (%.0f/s), %d ok (%d streamed), %d failed; flaky upstream"
                            + " hit %d times, %d injected failures (503 or dropped connection); %d config rewrites, %d reloads"
                            + " applied%n", sent.sum(), secs, sent.sum() / secs, ok.sum(), streamed.sum(), failed(),
                    flakyHits.sum(), injected.sum(), reloads, applied);
            System.out.println("soak: at the end: " + last);
            failures.forEach((why, n) -> System.out.println("soak: failure x" + n.sum() + ": " + why));
            if (sent.sum() != ok.sum() + failed()) {
                problems.add("unanswered requests: sent " + sent.sum() + ", answered " + (ok.sum() + failed()));
            }
            if (failed() > 0) {
                problems.add(failed() + " unexpected failures");
            }
            if (sent.sum() == 0 || injected.sum() == 0) {
                problems.add("no traffic or no injected failure");
            }
            if (applied == 0) {
                problems.add("no config reload was applied");
            }
            if (last.heapKb() > first.heapKb() * 1.5 + 16 * 1024) {
                problems.add("heap after GC grew from " + first.heapKb() + "K to " + last.heapKb() + "K");
            }
            if (last.threads() > first.threads() + 5) {
                problems.add("threads grew from " + first.threads() + " to " + last.threads());
            }
            if (last.fds() > first.fds() + 10) {
                problems.add("descriptors grew from " + first.fds() + " to " + last.fds());
            }
            if (!proxy.isAlive()) {
                problems.add("the proxy died");
            }
        } finally {
            proxy.destroy();
            if (!proxy.waitFor(40, TimeUnit.SECONDS)) {
                problems.add("the proxy did not exit on SIGTERM");
                proxy.destroyForcibly();
            }
            client.shutdownNow();
            fast.stop(0);
            sse.stop(0);
            flaky.stop(0);
        }
        if (problems.isEmpty()) {
            System.out.println("soak: PASS");
            deleteTree(dir);
            return 0;
        }
        problems.forEach(p -> System.out.println("soak: FAIL: " + p));
        System.out.println("soak: proxy output kept in " + out);
        return 1;
    }

    private long failed() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private void drive(HttpClient client, int port, AtomicBoolean stop) {
        while (!stop.get()) {
            while (paused.get() && !stop.get()) {
                sleep(20);
            }
            boolean stream = ThreadLocalRandom.current().nextInt(10) < 4;
            String model = stream ? "stream" : "chat";
            String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"soak\"}]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + KEY)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            sent.increment();
            inFlight.incrementAndGet();
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                String why = check(r, stream);
                if (why == null) {
                    ok.increment();
                    if (stream) {
                        streamed.increment();
                    }
                } else {
                    fail(why);
                }
            } catch (IOException e) {
                fail("transport: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
                return;
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private static String check(HttpResponse<String> r, boolean stream) {
        if (r.statusCode() != 200) {
            return "status " + r.statusCode() + ": " + cut(r.body());
        }
        if (r.body().contains(KEY)) {
            return "proxy key leaked in a response";
        }
        if (stream) {
            return r.body().startsWith("data: {\"n\":0}") && r.body().endsWith("data: [DONE]\n\n") ? null
                    : "broken stream: " + cut(r.body());
        }
        return r.body().equals(CHAT) ? null : "wrong body: " + cut(r.body());
    }

    private static String cut(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }

    private void fail(String why) {
        failures.computeIfAbsent(why.length() > 200 ? why.substring(0, 200) : why, k -> new LongAdder()).increment();
    }

    /** Heap after a full GC, platform threads and descriptors of the proxy. */
    record Sample(long heapKb, int threads, int allThreads, int fds) {
    }

    private Sample quiesceAndSample(Process proxy) throws Exception {
        paused.set(true);
        while (inFlight.get() > 0) {
            Thread.sleep(10);
        }
        Thread.sleep(2_000);
        Sample s = sample(proxy);
        paused.set(false);
        return s;
    }

    private static Sample sample(Process proxy) throws Exception {
        long pid = proxy.pid();
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        long heap = -1;
        if (m.find()) {
            heap = Long.parseLong(m.group(1));
        }
        int all = 0;
        int pooled = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                all++;
                String name;
                try {
                    name = Files.readString(t.resolve("comm")).trim();
                } catch (IOException gone) {
                    continue;
                }
                // Elastic pools: the HttpClient's cached workers, virtual-thread carriers, jcmd's attach thread.
                if (name.startsWith("HttpClient-") || name.startsWith("ForkJoinPool") || name.equals("Attach Listener")) {
                    pooled++;
                }
            }
        }
        int fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = (int) s.count();
        }
        return new Sample(heap, all - pooled, all, fds);
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder(javaTool("jcmd"), Long.toString(pid), command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + text);
        }
        return text;
    }

    private static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static void awaitHealthy(HttpClient client, int port, Process proxy, Path out) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        for (int i = 0; i < 300; i++) {
            if (!proxy.isAlive()) {
                throw new IllegalStateException("proxy exited:\n" + Files.readString(out));
            }
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Starting.
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("proxy not healthy within 15s:\n" + Files.readString(out));
    }

    /** Two valid variants differ in route priorities and cooldown, so every reload really changes routing. */
    private static String config(int port, HttpServer fast, HttpServer sse, HttpServer flaky, int variant,
                                 String level) {
        int flakyPriority = variant == 1 ? 1 : 2;
        int healthyPriority = variant == 1 ? 2 : 1;
        return """
                listen: "127.0.0.1:%d"
                proxy_api_key: "%s"
                backends:
                  - name: fast
                    url: "%s/v1"
                    api_key: "sk-soak-fast-key"
                  - name: sse
                    url: "%s/v1"
                    api_key: "sk-soak-sse-key"
                  - name: flaky
                    url: "%s/v1"
                    api_key: "sk-soak-flaky-key"
                models:
                  "chat":
                    routes:
                      - backend: flaky
                        model: "flaky-chat"
                        priority: %d
                      - backend: fast
                        model: "fast-chat"
                        priority: %d
                  "stream":
                    routes:
                      - backend: flaky
                        model: "flaky-stream"
                        priority: 1
                      - backend: sse
                        model: "sse-stream"
                        priority: 2
                fallback:
                  cooldown_seconds: %d
                timeouts:
                  connect_seconds: 2
                  response_header_seconds: 5
                  stream_idle_seconds: 5
                logging:
                  level: %s
                """.formatted(port, KEY, url(fast), url(sse), url(flaky), flakyPriority, healthyPriority, variant,
                level);
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    @FunctionalInterface
    private interface Handler {
        void handle(HttpExchange ex, byte[] body) throws Exception;
    }

    private static HttpServer mock(Handler h) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            try {
                h.handle(ex, body);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
            ex.close();
        });
        s.start();
        return s;
    }

    private void fast(HttpExchange ex, byte[] body) throws IOException {
        byte[] bytes = CHAT.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private void sse(HttpExchange ex, byte[] body) throws Exception {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        for (int i = 0; i < 5; i++) {
            out.write(("data: {\"n\":" + i + "}\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(10);
        }
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }

    /** 30% 503, 10% dropped connection, otherwise a good answer (SSE when the body asks for a stream). */
    private void flaky(HttpExchange ex, byte[] body) throws Exception {
        flakyHits.increment();
        int roll = ThreadLocalRandom.current().nextInt(100);
        if (roll < 40) {
            injected.increment();
        }
        if (roll < 30) {
            byte[] err = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(503, err.length);
            ex.getResponseBody().write(err);
        } else if (roll < 40) {
            throw new IllegalStateException("dropping the connection on purpose");
        } else if (new String(body, StandardCharsets.UTF_8).contains("\"stream\":true")) {
            sse(ex, body);
        } else {
            fast(ex, body);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
        }
    }
}
