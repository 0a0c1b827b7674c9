package llmproxy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files one load reads besides the config itself ({@code ${file:PATH}} secrets, CA and TLS files), so
 * the reloader can notice when one of them changes.
 */
final class FileRefs {
    private final Set<Path> files = new LinkedHashSet<>();

    void note(Path file) {
        files.add(file.toAbsolutePath().normalize());
    }

    List<Path> files() {
        return List.copyOf(files);
    }

    /**
     * The text of {@code ${file:PATH}}: the file's content minus one trailing newline.
     * @throws IllegalArgumentException naming the file and why it could not be read
     */
    String secret(String pathText) {
        if (pathText.isBlank()) {
            throw new IllegalArgumentException("malformed reference \"${file:}\"; expected ${file:/path/to/file}");
        }
        Path file = Path.of(pathText.strip());
        note(file);
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("file " + file + " " + reason(e));
        }
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "not found";
        }
        if (e instanceof AccessDeniedException) {
            return "is not readable (permission denied)";
        }
        return "cannot be read: " + e;
    }
}
