import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build behind build.sh and build.bat (one program, so CI on Linux exercises what Windows runs).
 * Started with the source launcher on a Java 21 or newer: {@code java .ci/Build.java [test|run] [ARGS...]}.
 * Compiles in-process with the JDK it runs on and starts child JVMs from the same JDK.
 *
 * <p>Written in Java 11 on purpose: an older Java can still compile it and say why it cannot build.
 */
public final class Build {
    static final int NEEDED_JAVA = 21;
    static final String JUNIT_VERSION = "1.11.4";
    static final String JUNIT_COORDS = "org.junit.platform:junit-platform-console-standalone:" + JUNIT_VERSION;
    static final String JUNIT_URL = "https://repo1.maven.org/maven2/org/junit/platform/junit-platform-console-standalone/"
            + JUNIT_VERSION + "/junit-platform-console-standalone-" + JUNIT_VERSION + ".jar";
    static final String LAUNCHER = "llmproxy/Launcher.java";
    static final boolean WINDOWS = System.getProperty("os.name").startsWith("Windows");
    static final String SCRIPT = WINDOWS ? "build.bat" : "./build.sh";

    private final Path root;
    private final Path buildDir;
    private final Path jar;
    private final Path junitJar;
    private final Path java;

    private Build(Path root, Path buildDir) {
        this.root = root;
        this.buildDir = buildDir;
        this.jar = root.resolve("llm-proxy.jar");
        this.junitJar = root.resolve("lib").resolve("junit-platform-console-standalone-" + JUNIT_VERSION + ".jar");
        this.java = Path.of(System.getProperty("java.home"), "bin", WINDOWS ? "java.exe" : "java");
    }

    public static void main(String[] args) throws Exception {
        int feature = Runtime.version().feature();
        boolean hasJavac = ToolProvider.findFirst("javac").isPresent();
        if (args.length > 0 && args[0].equals("--probe")) {
            // build.bat asks each java it finds: exit 0 only for one this build can use.
            System.exit(feature >= NEEDED_JAVA && hasJavac ? 0 : 1);
        }
        if (feature < NEEDED_JAVA || !hasJavac) {
            fail("needs a JDK " + NEEDED_JAVA + " or newer; this is " + (hasJavac ? "a JDK " : "a Java without javac, ")
                    + feature + " at " + System.getProperty("java.home") + " (set JAVA_HOME to a JDK 21+)");
        }
        Path root = Path.of(Build.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().getParent();
        String dir = System.getenv("BUILD_DIR");
        Build build = new Build(root, root.resolve(dir == null || dir.isEmpty() ? "build" : dir).normalize());
        String command = args.length == 0 ? "" : args[0];
        List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
        if (command.isEmpty()) {
            build.compile();
            build.noteJavaOnPath();
        } else if (command.equals("test")) {
            build.compile();
            build.noteJavaOnPath();
            System.exit(build.test(rest)); // its summary is the last line
        } else if (command.equals("run")) {
            if (build.stale()) {
                build.compile();
            }
            System.exit(build.run(rest));
        } else if (command.equals("-h") || command.equals("--help")) {
            System.out.println(usage());
        } else {
            System.err.println("build: unknown command '" + command + "'");
            System.err.println(usage());
            System.exit(2);
        }
    }

    static String usage() {
        String indent = " ".repeat(SCRIPT.length() + 14);
        return String.join(System.lineSeparator(),
                SCRIPT + "              compile src/ -> llm-proxy.jar",
                SCRIPT + " test [ARGS]  build, compile test/, run JUnit (ARGS go to the JUnit console launcher,",
                indent + "default --scan-class-path; e.g. --select-class llmproxy.MainTest)",
                SCRIPT + " run [ARGS]   build if src/ changed, then run the jar with this JDK (ARGS go to llm-proxy)",
                "BUILD_DIR (default build) holds classes and test reports; llm-proxy.jar is written to the top level.");
    }

    static void fail(String message) {
        System.err.println("build: " + message);
        System.exit(1);
    }

    /** src/ -> classes -> llm-proxy.jar. The launcher is compiled for Java 8 so an old java can say what it needs. */
    void compile() throws IOException {
        Path classes = buildDir.resolve("classes");
        deleteTree(classes);
        Files.createDirectories(classes);
        Path src = root.resolve("src");
        List<String> sources = javaFiles(src);
        String launcher = src.resolve(LAUNCHER).toString();
        sources.remove(launcher);
        List<String> args = new ArrayList<>(List.of("--release", Integer.toString(NEEDED_JAVA), "-encoding", "UTF-8",
                "-Xlint:all", "-Werror", "-d", classes.toString()));
        args.addAll(sources);
        tool("javac", args);
        // -Xlint:-options: javac warns that release 8 is obsolete, which is the point here.
        tool("javac", List.of("--release", "8", "-encoding", "UTF-8", "-Xlint:all", "-Xlint:-options", "-Werror",
                "-d", classes.toString(), launcher));
        Files.deleteIfExists(jar);
        tool("jar", List.of("--create", "--file", jar.toString(), "--main-class", "llmproxy.Launcher",
                "-C", classes.toString(), "."));
        System.out.println("built llm-proxy.jar with Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
    }

    /** True when the jar is missing or older than a file under src/. */
    boolean stale() throws IOException {
        if (!Files.isRegularFile(jar)) {
            return true;
        }
        FileTime built = Files.getLastModifiedTime(jar);
        try (Stream<Path> files = Files.walk(root.resolve("src"))) {
            return files.anyMatch(p -> lastModified(p).compareTo(built) > 0);
        }
    }

    /** Runs the jar in the caller's working directory and returns its exit code, also when this JVM is stopped. */
    int run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
        cmd.addAll(args);
        Process proxy = new ProcessBuilder(cmd).inheritIO().start();
        // Ctrl-C or a kill of this JVM: stop the proxy the same way, let it drain, and exit with its code.
        Thread forward = new Thread(() -> {
            // On Windows destroy() is TerminateProcess, which skips the drain; there Ctrl-C reaches the proxy
            // through the shared console anyway, so only wait for it.
            if (proxy.supportsNormalTermination()) {
                proxy.destroy();
            }
            try {
                Runtime.getRuntime().halt(proxy.waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(forward);
        int code = proxy.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException shuttingDown) {
            // Stopped while the proxy was exiting: the hook is running and exits with the proxy's code.
        }
        return code;
    }

    /** Compiles test/ against the classes and runs JUnit; returns its exit code after one summary line. */
    int test(List<String> junitArgs) throws Exception {
        fetchJunit();
        Path testClasses = buildDir.resolve("test-classes");
        Path reports = buildDir.resolve("test-reports");
        deleteTree(testClasses);
        deleteTree(reports);
        Files.createDirectories(testClasses);
        Path classes = buildDir.resolve("classes");
        List<String> args = new ArrayList<>(List.of("--release", Integer.toString(NEEDED_JAVA), "-encoding", "UTF-8",
                "-Xlint:all", "-Xlint:-processing", "-Werror",
                "-cp", classes + File.pathSeparator + junitJar, "-d", testClasses.toString()));
        args.addAll(javaFiles(root.resolve("test")));
        tool("javac", args);
        copyTestResources(root.resolve("test").resolve("llmproxy"), testClasses.resolve("llmproxy"));

        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Dllmproxy.jar=" + jar, "-jar", junitJar.toString(),
                "execute", "--disable-banner", "--disable-ansi-colors", "--reports-dir", reports.toString(),
                "-cp", classes + File.pathSeparator + testClasses));
        if (junitArgs.stream().noneMatch(a -> a.startsWith("--details"))) {
            cmd.add("--details=none"); // failures only; the summary line below says the rest
        }
        cmd.addAll(junitArgs.isEmpty() ? List.of("--scan-class-path") : junitArgs);
        long start = System.nanoTime();
        int code = new ProcessBuilder(cmd).directory(root.toFile()).inheritIO().start().waitFor();
        summarize(reports, Duration.ofNanos(System.nanoTime() - start), code);
        return code;
    }

    /** Prints each skipped test with its reason, then one line: passed, failed, skipped, time. */
    static void summarize(Path reports, Duration took, int code) throws Exception {
        int tests = 0;
        int failed = 0;
        int skipped = 0;
        List<String> skips = new ArrayList<>();
        if (!Files.isDirectory(reports)) {
            System.out.println("TESTS FAILED (JUnit exit " + code + ", no report written)");
            return;
        }
        try (Stream<Path> files = Files.list(reports)) {
            for (Path xml : files.filter(p -> p.getFileName().toString().endsWith(".xml")).collect(Collectors.toList())) {
                Element suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile())
                        .getDocumentElement();
                tests += Integer.parseInt(suite.getAttribute("tests"));
                failed += Integer.parseInt(suite.getAttribute("failures")) + Integer.parseInt(suite.getAttribute("errors"));
                skipped += Integer.parseInt(suite.getAttribute("skipped"));
                NodeList cases = suite.getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    NodeList s = c.getElementsByTagName("skipped");
                    if (s.getLength() > 0) {
                        // The reason: @Disabled's text, or the first line of an assumption's exception.
                        String why = s.item(0).getTextContent().strip().split("\\R", 2)[0]
                                .replace("org.opentest4j.TestAbortedException: ", "");
                        skips.add("skipped: " + c.getAttribute("classname") + "." + c.getAttribute("name")
                                + (why.isEmpty() ? "" : ": " + why));
                    }
                }
            }
        }
        skips.forEach(System.out::println);
        String counts = (tests - failed - skipped) + " passed, " + failed + " failed, " + skipped + " skipped, in "
                + String.format("%.1f s", took.toMillis() / 1000.0);
        if (code == 0) {
            System.out.println("TESTS PASSED: " + counts);
        } else {
            System.out.println("TESTS FAILED (JUnit exit " + code + "): " + counts);
        }
    }

    /** The JUnit console launcher: from lib/, else via mvn, else straight from Maven Central (checked by its SHA-1). */
    void fetchJunit() throws Exception {
        if (Files.isRegularFile(junitJar)) {
            return;
        }
        Files.createDirectories(junitJar.getParent());
        Path mvn = onPath(WINDOWS ? "mvn.cmd" : "mvn");
        if (mvn != null) {
            System.out.println("fetching " + JUNIT_COORDS + " with mvn");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = quietly(List.of(mvn.toString(), "-B", "-q", "--no-transfer-progress", "-Dstyle.color=never",
                    "dependency:copy", "-Dartifact=" + JUNIT_COORDS, "-DoutputDirectory=" + junitJar.getParent()), out);
            if (code != 0 || !Files.isRegularFile(junitJar)) {
                System.out.println("mvn could not fetch it (exit " + code + "); trying Maven Central directly");
            }
        }
        if (!Files.isRegularFile(junitJar)) {
            System.out.println("fetching " + JUNIT_URL);
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            byte[] body = get(http, JUNIT_URL);
            String expected = new String(get(http, JUNIT_URL + ".sha1"), StandardCharsets.US_ASCII).strip().split("\\s+")[0];
            String actual = String.format("%040x", new BigInteger(1, MessageDigest.getInstance("SHA-1").digest(body)));
            if (!actual.equalsIgnoreCase(expected)) {
                fail("downloaded " + JUNIT_URL + " has SHA-1 " + actual + ", Maven Central says " + expected);
            }
            Path part = Path.of(junitJar + ".part");
            Files.write(part, body);
            Files.move(part, junitJar, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static byte[] get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            fail("could not fetch " + url + ": HTTP " + r.statusCode() + " (need mvn or HTTPS access to Maven Central)");
        }
        return r.body();
    }

    /** After a build: if the java on PATH cannot run the jar, say which one can. */
    void noteJavaOnPath() {
        Path onPath = onPath(WINDOWS ? "java.exe" : "java");
        Integer version = onPath == null ? null : specificationVersion(onPath);
        if (version != null && version >= NEEDED_JAVA) {
            return;
        }
        String what = onPath == null ? "there is no 'java' on PATH" : version == null
                ? "'java' on PATH (" + onPath + ") did not say its version" : "'java' on PATH is " + version;
        System.out.println("note: " + what + "; run the jar with " + quoteIfSpaced(java.toString())
                + " -jar llm-proxy.jar, or " + SCRIPT + " run");
    }

    /** The major version a java reports in java.specification.version ("1.8" is 8), or null. */
    static Integer specificationVersion(Path javaExe) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (quietly(List.of(javaExe.toString(), "-XshowSettings:properties", "-version"), out) != 0) {
                return null;
            }
        } catch (IOException | InterruptedException e) {
            return null;
        }
        for (String line : out.toString(StandardCharsets.UTF_8).split("\\R")) {
            String t = line.strip();
            if (t.startsWith("java.specification.version = ")) {
                String v = t.substring("java.specification.version = ".length());
                try {
                    return Integer.parseInt(v.startsWith("1.") ? v.substring(2) : v);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Runs a command with its output collected in {@code out} (stdin closed); gives up after two minutes. */
    static int quietly(List<String> cmd, ByteArrayOutputStream out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir.replace("\"", "")).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static void tool(String name, List<String> args) {
        ToolProvider tool = ToolProvider.findFirst(name).orElseThrow();
        int code = tool.run(System.out, System.err, args.toArray(new String[0]));
        if (code != 0) {
            fail(name + " failed (exit " + code + ")");
        }
    }

    /** The .java files under {@code dir}, outside npm's node_modules (test/e2e installs one). */
    static List<String> javaFiles(Path dir) throws IOException {
        String npm = File.separator + "node_modules" + File.separator;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(Path::toString).filter(p -> p.endsWith(".java") && !p.contains(npm)).sorted()
                    .collect(Collectors.toCollection(ArrayList::new));
        }
    }

    /** Fixtures live beside the tests: every file that is not a .java source. */
    static void copyTestResources(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".java"))
                    .collect(Collectors.toList())) {
                Path target = to.resolve(from.relativize(p).toString());
                Files.createDirectories(target.getParent());
                Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    static FileTime lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(Long.MAX_VALUE); // unreadable: rebuild rather than run something old
        }
    }

    static String quoteIfSpaced(String s) {
        return s.contains(" ") ? "\"" + s + "\"" : s;
    }
}
