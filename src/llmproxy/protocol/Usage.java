package llmproxy.protocol;

import llmproxy.json.JsonValue.JsonObject;

/**
 * Token counts in Anthropic's terms, where {@code input} excludes cached tokens. OpenAI's
 * {@code prompt_tokens} includes them, so converting adds the cache counts on the way to OpenAI and
 * subtracts the cached ones on the way back; nothing is counted twice.
 */
record Usage(long input, long cacheRead, long cacheCreation, long output) {
    static final Usage ZERO = new Usage(0, 0, 0, 0);

    static Usage fromAnthropic(JsonObject u, String path) throws TranslationException {
        Expect x = Expect.UPSTREAM;
        return new Usage(x.count(u, "input_tokens", path + ".input_tokens"),
                x.count(u, "cache_read_input_tokens", path + ".cache_read_input_tokens"),
                x.count(u, "cache_creation_input_tokens", path + ".cache_creation_input_tokens"),
                x.count(u, "output_tokens", path + ".output_tokens"));
    }

    static Usage fromOpenAi(JsonObject u, String path) throws TranslationException {
        Expect x = Expect.UPSTREAM;
        long prompt = x.count(u, "prompt_tokens", path + ".prompt_tokens");
        long cached = 0;
        JsonObject details = x.optObject(u, "prompt_tokens_details", path + ".prompt_tokens_details");
        if (details != null) {
            cached = x.count(details, "cached_tokens", path + ".prompt_tokens_details.cached_tokens");
        }
        return new Usage(Math.max(prompt - cached, 0), cached, 0,
                x.count(u, "completion_tokens", path + ".completion_tokens"));
    }

    JsonObject toOpenAi() {
        long prompt = add(add(input, cacheRead), cacheCreation);
        return JsonObject.builder()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", output)
                .put("total_tokens", add(prompt, output))
                .put("prompt_tokens_details", JsonObject.builder().put("cached_tokens", cacheRead).build())
                .build();
    }

    JsonObject toAnthropic() {
        return JsonObject.builder()
                .put("input_tokens", input)
                .put("cache_creation_input_tokens", cacheCreation)
                .put("cache_read_input_tokens", cacheRead)
                .put("output_tokens", output)
                .build();
    }

    /** Counts are upstream values: a hostile one near Long.MAX_VALUE saturates instead of turning negative. */
    private static long add(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
