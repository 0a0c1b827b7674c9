package llmproxy.protocol;

/** Anthropic {@code stop_reason} and OpenAI {@code finish_reason}, both ways. */
final class StopReasons {
    private StopReasons() {
        throw new AssertionError();
    }

    /** Unknown or future reasons read as a normal stop rather than failing an answer that arrived. */
    static String toOpenAi(String stopReason) {
        return switch (stopReason == null ? "" : stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    static String toAnthropic(String finishReason) {
        return switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
