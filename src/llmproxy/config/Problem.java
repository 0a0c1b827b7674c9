package llmproxy.config;

/** One thing wrong with a config file: the key path, its line (0 when unknown) and why. */
public record Problem(String path, int line, String reason) {
    @Override
    public String toString() {
        return line > 0 ? path + " (line " + line + "): " + reason : path + ": " + reason;
    }
}
