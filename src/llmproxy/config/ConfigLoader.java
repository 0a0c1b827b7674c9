package llmproxy.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a config file into a validated, immutable {@link Config}. Syntax errors stop at the first
 * ({@code FILE:LINE:COLUMN: ...}); validation reports every problem at once. Non-fatal findings end
 * up in {@link Config#warnings()}.
 */
public final class ConfigLoader {
    private final Map<String, String> env;

    /** {@code env} supplies {@code ${VAR}} values; production passes {@code System.getenv()}. */
    public ConfigLoader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public Config load(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw ConfigException.unreadable(file, "config file not found");
        } catch (AccessDeniedException e) {
            throw ConfigException.unreadable(file, "permission denied reading the config file");
        } catch (IOException e) {
            throw ConfigException.unreadable(file, "cannot read the config file: " + e);
        }
        return parse(bytes, file);
    }

    /** Parses the file's raw bytes (strict UTF-8); the reloader hashes and parses the same bytes it read once. */
    public Config parse(byte[] bytes, Path file) throws ConfigException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.unreadable(file, "config file is not valid UTF-8");
        }
        return parse(text, file);
    }

    /** Parses {@code text} as if read from {@code file}, which only names the source in messages. */
    public Config parse(String text, Path file) throws ConfigException {
        YamlNode root = new YamlParser(text, file).parse();
        if (root instanceof YamlNode.Mapping m && m.entries().isEmpty()) {
            // An empty file is most often one caught mid-write ("> config.yaml"); its defaults would mean no
            // authentication and no aliases, so it is never taken as a config.
            throw ConfigException.unreadable(file, "the config file is empty (nothing but whitespace or comments)");
        }
        Problems problems = new Problems();
        FileRefs files = new FileRefs();
        Config config = new ConfigBinder(new Values(new EnvSubstitution(env, files), problems, files), env).bind(root);
        if (problems.hasErrors()) {
            throw new ConfigException(file, problems.errors(), problems.warnings());
        }
        return config;
    }
}
