package llmproxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The jar's entry point: one clear line on a Java older than 21, the proxy as before on 21+. */
class LauncherTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    /** Runs the built jar with {@code java} in a temp dir, JAVA_HOME set to {@code javaHome}. */
    Result runJar(Path java, String javaHome, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("JAVA_HOME", javaHome);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the jar did not exit within 60 s");
        return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("llmproxy.jar", "llm-proxy.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "no " + jar + "; run ./build.sh first");
        return jar;
    }

    static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** A JDK older than 21 (and new enough to read a Java 8 class file) on this machine, if there is one. */
    static Optional<Path> oldJava() {
        for (Path home : Launcher.jdkFolders(null)) {
            int major = Launcher.major(Launcher.releaseVersion(home));
            Path java = home.resolve("bin").resolve("java");
            if (major >= 8 && major < Launcher.NEEDED && Files.isExecutable(java)) {
                return Optional.of(java);
            }
        }
        return Optional.empty();
    }

    @Test
    void jarOnJavaOlderThan21_printsOneLineWithNeededRunningAndFoundJavaAndExitsOne() throws Exception {
        Optional<Path> old = oldJava();
        assumeTrue(old.isPresent(), "no JDK older than 21 in the usual JDK folders (e.g. /usr/lib/jvm): "
                + "the jar's version check cannot be run here");
        String home = System.getProperty("java.home");

        Result r = runJar(old.get(), home, "-version");

        assertEquals(1, r.code(), r.err());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        String line = lines.get(0);
        assertTrue(line.startsWith("llm-proxy needs Java 21 or newer, but this is Java "), line);
        // JAVA_HOME names the JDK this test runs on, so the line must offer it.
        assertTrue(line.contains(Path.of(home, "bin", "java").toRealPath().toString()), line);
        assertTrue(line.contains(" -jar "), line);
        assertFalse(line.contains("Error") || line.contains("Exception"), line);
    }

    @Test
    void jarOnJava21OrNewer_runsTheProxyAsBefore() throws Exception {
        Result r = runJar(currentJava(), System.getProperty("java.home"), "-version");

        assertEquals(0, r.code(), r.err());
        assertEquals("llm-proxy " + Main.VERSION + " (Java " + Runtime.version() + ")", r.out().strip());
        assertEquals("", r.err());
    }

    @Test
    void jarOnJava21OrNewer_passesExitCodesThrough() throws Exception {
        Result r = runJar(currentJava(), System.getProperty("java.home"), "-no-such-option");

        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("llm-proxy: unknown option"), r.err());
        assertFalse(r.err().contains("at llmproxy."), "a usage error is no stack trace: " + r.err());
    }

    Path fakeJdk(String name, String releaseLine) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("bin").resolve("java"), "");
        if (releaseLine != null) {
            Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"x\"\n" + releaseLine + "\n", StandardCharsets.UTF_8);
        }
        return home;
    }

    @Test
    void tooOld_namesEveryJava21OrNewerItCanSeeAndTheCommandForTheNewest() throws IOException {
        Path jdk17 = fakeJdk("jdk-17", "JAVA_VERSION=\"17.0.2\"");
        Path jdk25 = fakeJdk("jdk-25", "JAVA_VERSION=\"25\"");
        Path jdk21 = fakeJdk("jdk-21", "JAVA_VERSION=\"21.0.4\"");
        Path noRelease = fakeJdk("not-a-jdk", null);

        String line = Launcher.tooOld(17, "/opt/old", List.of(jdk17, jdk25, jdk21, noRelease));

        String java25 = jdk25.resolve("bin/java").toRealPath().toString();
        String java21 = jdk21.resolve("bin/java").toRealPath().toString();
        assertEquals("llm-proxy needs Java 21 or newer, but this is Java 17 (/opt/old); Java 21+ found: "
                + java25 + " (25), " + java21 + " (21); run: " + java25 + " -jar " + Launcher.jarName(), line);
    }

    @Test
    void tooOld_quotesAJavaPathWithSpaces_soTheCommandCanBePasted() throws IOException {
        // Windows JDKs live under "C:\Program Files\...".
        Path jdk21 = fakeJdk("Program Files/jdk-21", "JAVA_VERSION=\"21.0.4\"");

        String line = Launcher.tooOld(17, "/opt/old", List.of(jdk21));

        String java21 = jdk21.resolve("bin/java").toRealPath().toString();
        assertTrue(line.endsWith("; run: \"" + java21 + "\" -jar " + Launcher.jarName()), line);
    }

    @Test
    void tooOld_withoutAnyJava21_saysToInstallOne() throws IOException {
        String line = Launcher.tooOld(11, "/opt/j11", List.of(fakeJdk("jdk-17", "JAVA_VERSION=\"17\"")));

        assertEquals("llm-proxy needs Java 21 or newer, but this is Java 11 (/opt/j11); no Java 21+ found in "
                + "JAVA_HOME or the usual JDK folders: install one", line);
    }

    @Test
    void major_readsOldAndNewVersionStrings() {
        Map<String, Integer> cases = Map.of("1.8", 8, "1.8.0_402", 8, "17", 17, "21.0.2", 21, "25-ea", 25,
                "abc", 0, "", 0);
        cases.forEach((text, major) -> assertEquals(major, Launcher.major(text), text));
        assertEquals(0, Launcher.major(null));
    }
}
