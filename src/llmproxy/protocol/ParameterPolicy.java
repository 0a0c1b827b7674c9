package llmproxy.protocol;

import llmproxy.json.JsonValue;
import llmproxy.json.JsonValue.JsonArray;
import llmproxy.json.JsonValue.JsonBool;
import llmproxy.json.JsonValue.JsonNumber;
import llmproxy.json.JsonValue.JsonObject;
import llmproxy.json.JsonValue.JsonString;

/**
 * Which top-level request fields cross to the other protocol. A field is translated (read by the request
 * translator), dropped (it would not change the answer) or refused with a 400 {@code unsupported_parameter}
 * (the backend cannot honour it and the answer would differ). Unknown fields are refused rather than lost.
 * The README's dropped and refused lists mirror this class.
 */
final class ParameterPolicy {
    private ParameterPolicy() {
        throw new AssertionError();
    }

    /** An OpenAI client's top-level field, toward an Anthropic backend. */
    static void towardAnthropic(String key, JsonValue v) throws TranslationException {
        if (Expect.absent(v)) {
            return;
        }
        switch (key) {
            case "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "max_tokens",
                    "max_completion_tokens", "stop", "temperature", "top_p", "top_k", "user", "stream",
                    "stream_options" -> {
            }
            // Hints that do not change what the model answers.
            case "seed", "store", "metadata", "service_tier", "prompt_cache_key", "safety_identifier",
                    "reasoning_effort", "verbosity", "prediction" -> {
            }
            case "n" -> {
                if (!(v instanceof JsonNumber n && "1".equals(n.text()))) {
                    throw TranslationException.unsupported(key, "this backend returns exactly one choice");
                }
            }
            case "logprobs" -> {
                if (v != JsonBool.FALSE) {
                    throw TranslationException.unsupported(key, "this backend does not return log probabilities");
                }
            }
            case "presence_penalty", "frequency_penalty" -> {
                if (!(v instanceof JsonNumber n && Double.parseDouble(n.text()) == 0)) {
                    throw TranslationException.unsupported(key, "this backend has no sampling penalties");
                }
            }
            case "logit_bias" -> {
                if (!(v instanceof JsonObject o && o.members().isEmpty())) {
                    throw TranslationException.unsupported(key, "this backend has no logit bias");
                }
            }
            case "response_format" -> {
                if (!(v instanceof JsonObject o && new JsonString("text").equals(o.get("type")))) {
                    throw TranslationException.unsupported(key, "this backend has no JSON mode");
                }
            }
            case "modalities" -> {
                if (!JsonArray.of(new JsonString("text")).equals(v)) {
                    throw TranslationException.unsupported(key, "this backend answers with text only");
                }
            }
            default -> throw TranslationException.unsupported(key, "not supported when this backend speaks the "
                    + "Anthropic Messages protocol");
        }
    }

    /** An Anthropic client's top-level field, toward an OpenAI backend. */
    static void towardOpenAi(String key, JsonValue v) throws TranslationException {
        if (Expect.absent(v)) {
            return;
        }
        switch (key) {
            case "model", "messages", "system", "max_tokens", "tools", "tool_choice", "stop_sequences",
                    "temperature", "top_p", "metadata", "stream" -> {
            }
            // Extended thinking is a request to show reasoning; the answer itself does not depend on it.
            case "thinking", "service_tier" -> {
            }
            case "top_k" -> throw TranslationException.unsupported(key, "this backend has no top_k sampling");
            default -> throw TranslationException.unsupported(key, "not supported when this backend speaks the "
                    + "OpenAI chat-completions protocol");
        }
    }
}
