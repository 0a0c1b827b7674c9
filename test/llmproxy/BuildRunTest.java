package llmproxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code build.sh run} / {@code build.bat run}: both start .ci/Build.java, which runs the jar (already built by
 * the build that runs these tests, so it is up to date) with its own JDK, arguments and exit code passed through.
 */
class BuildRunTest {
    @TempDir
    Path dir;

    record Result(int code, String out) {
    }

    Result buildRun(String... args) throws Exception {
        Path build = Path.of(".ci", "Build.java").toAbsolutePath();
        assertTrue(Files.isRegularFile(build), "tests run from the repo root: no " + build);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), build.toString(), "run"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        // Another working directory: run must not depend on being started from the repo root.
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "build run did not finish");
        return new Result(p.exitValue(), Files.readString(out));
    }

    @Test
    void sigtermToTheBuild_reachesTheProxy_whichDrainsAndItsExitCodeComesBack() throws Exception {
        Path build = Path.of(".ci", "Build.java").toAbsolutePath();
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                build.toString(), "run", "-demo").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("Ctrl+C stops the demo")) {
                assertTrue(p.isAlive() && System.nanoTime() < deadline, "the demo did not start: " + Files.readString(out));
                Thread.sleep(20);
            }

            p.destroy();

            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "build run did not exit after SIGTERM");
            String log = Files.readString(out);
            assertTrue(log.contains("llm-proxy demo stopped"), "the proxy did not drain: " + log);
            assertEquals(0, p.exitValue(), log);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void run_passesArgumentsToTheJarOnThisJdk() throws Exception {
        Result r = buildRun("-version");

        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("llm-proxy " + Main.VERSION + " (Java " + Runtime.version().feature()), r.out());
    }

    @Test
    void run_passesTheJarsExitCodeBack() throws Exception {
        Result r = buildRun("-check", "-config", "no-such-config.yaml");

        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("no-such-config.yaml"), "the relative path is the caller's: " + r.out());
    }
}
