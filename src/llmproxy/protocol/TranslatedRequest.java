package llmproxy.protocol;

/**
 * The upstream request body of a translated attempt, whether it streams, and whether an OpenAI client
 * asked for the usage chunk ({@code stream_options.include_usage}). The array is not copied: hand it
 * to the wire, do not compare records.
 */
public record TranslatedRequest(byte[] body, boolean stream, boolean clientWantsUsage) {
}
