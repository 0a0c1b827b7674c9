package llmproxy;

import java.io.File;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The jar's entry point, compiled for Java 8 so that an older java can load it: on a Java older than 21 it prints
 * one line (what is needed, what this is, which Java 21+ it can see) and exits 1 instead of failing with an
 * UnsupportedClassVersionError; otherwise it hands over to {@link Main}. Nothing else may live here.
 */
public final class Launcher {
    static final int NEEDED = 21;

    private Launcher() {
        throw new AssertionError();
    }

    public static void main(String[] args) throws Throwable {
        int running = major(System.getProperty("java.specification.version"));
        if (running < NEEDED) {
            System.err.println(tooOld(running, System.getProperty("java.home"), jdkFolders(System.getenv("JAVA_HOME"))));
            System.exit(1);
        }
        // Looked up by name: a direct reference would make an old JVM load Main's Java 21 class file first.
        MethodHandle main = MethodHandles.publicLookup().findStatic(Class.forName("llmproxy.Main"), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(args);
    }

    /** The message for a too old Java: every Java 21+ in {@code folders} (JDK homes) and the command for the newest. */
    static String tooOld(int running, String home, List<Path> folders) {
        List<String> found = new ArrayList<>();
        String newest = null;
        int newestMajor = 0;
        for (Path folder : folders) {
            int major = major(releaseVersion(folder));
            String java = realPath(folder.resolve("bin").resolve(File.separatorChar == '\\' ? "java.exe" : "java"));
            String entry = java + " (" + major + ")";
            if (major >= NEEDED && java != null && !found.contains(entry)) {
                found.add(entry);
                if (major > newestMajor) {
                    newest = java;
                    newestMajor = major;
                }
            }
        }
        String line = "llm-proxy needs Java " + NEEDED + " or newer, but this is Java " + running + " (" + home + ")";
        if (newest == null) {
            return line + "; no Java " + NEEDED + "+ found in JAVA_HOME or the usual JDK folders: install one";
        }
        return line + "; Java " + NEEDED + "+ found: " + String.join(", ", found) + "; run: " + quoteIfSpaced(newest)
                + " -jar " + quoteIfSpaced(jarName());
    }

    /** So the command can be pasted into a shell: Windows JDKs live under "C:\Program Files". */
    static String quoteIfSpaced(String s) {
        return s.indexOf(' ') >= 0 ? "\"" + s + "\"" : s;
    }

    /** JAVA_HOME, then every folder in the places JDKs are usually installed. */
    static List<Path> jdkFolders(String javaHome) {
        List<Path> folders = new ArrayList<>();
        if (javaHome != null && !javaHome.isEmpty()) {
            folders.add(Paths.get(javaHome));
        }
        List<String> parents = new ArrayList<>(Arrays.asList("/usr/lib/jvm", "/usr/java", "/opt/java",
                "/Library/Java/JavaVirtualMachines", System.getProperty("user.home") + "/.sdkman/candidates/java"));
        String programFiles = System.getenv("ProgramFiles");
        if (programFiles != null) {
            for (String vendor : new String[] {"Java", "Eclipse Adoptium", "Microsoft", "Zulu", "Amazon Corretto",
                    "BellSoft"}) {
                parents.add(programFiles + "\\" + vendor);
            }
        }
        for (String parent : parents) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Paths.get(parent))) {
                for (Path child : dir) {
                    // macOS bundles keep the home under Contents/Home.
                    Path mac = child.resolve("Contents").resolve("Home");
                    folders.add(Files.isDirectory(mac) ? mac : child);
                }
            } catch (IOException | RuntimeException e) {
                continue; // not there on this system
            }
        }
        return folders;
    }

    /** The file behind links (one JDK is often linked under several names), or null when it does not exist. */
    static String realPath(Path file) {
        try {
            return file.toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** JAVA_VERSION from a JDK's {@code release} file ("25.0.1", "1.8.0_402"), or null. */
    static String releaseVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // not a JDK home
        }
        return null;
    }

    /** The major version of "1.8", "1.8.0_402", "17", "21.0.2", "25-ea"; 0 when unreadable. */
    static int major(String version) {
        if (version == null) {
            return 0;
        }
        String v = version.startsWith("1.") ? version.substring(2) : version;
        int end = 0;
        while (end < v.length() && Character.isDigit(v.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(v.substring(0, Math.min(end, 9)));
    }

    /** The jar as the user may type it: relative to the working directory when inside it, else its full path. */
    static String jarName() {
        try {
            Path jar = Paths.get(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path here = Paths.get("").toAbsolutePath();
            return jar.startsWith(here) ? here.relativize(jar).toString() : jar.toString();
        } catch (Exception e) {
            return "llm-proxy.jar"; // no code source to tell: the usual name
        }
    }
}
