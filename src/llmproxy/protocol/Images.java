package llmproxy.protocol;

import llmproxy.json.JsonValue.JsonObject;

import java.util.Set;

/** Image references: OpenAI {@code image_url} URLs (data: URIs or http(s)) ⇄ Anthropic image sources. */
final class Images {
    private static final Set<String> MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private Images() {
        throw new AssertionError();
    }

    /** An Anthropic {@code image} block for an OpenAI image URL. */
    static JsonObject toAnthropic(String url, String path) throws TranslationException {
        JsonObject source;
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (!meta.endsWith(";base64")) {
                throw TranslationException.unsupported(path, "only base64 data: URIs can be sent to this backend");
            }
            String mediaType = meta.substring(0, meta.length() - ";base64".length());
            if (!MEDIA_TYPES.contains(mediaType)) {
                throw TranslationException.unsupported(path, "image type '" + mediaType
                        + "' is not one of image/jpeg, image/png, image/gif, image/webp");
            }
            source = JsonObject.builder().put("type", "base64").put("media_type", mediaType)
                    .put("data", url.substring(comma + 1)).build();
        } else if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            source = JsonObject.builder().put("type", "url").put("url", url).build();
        } else {
            throw TranslationException.invalid(path, "must be a data: URI or an http(s) URL");
        }
        return JsonObject.builder().put("type", "image").put("source", source).build();
    }

    /** An OpenAI {@code image_url} content part for an Anthropic image block. */
    static JsonObject toOpenAi(JsonObject block, String path) throws TranslationException {
        Expect x = Expect.CLIENT;
        JsonObject source = x.object(block.get("source"), path + ".source");
        String type = x.requireString(source, "type", path + ".source.type");
        String url = switch (type) {
            case "base64" -> "data:" + x.requireString(source, "media_type", path + ".source.media_type")
                    + ";base64," + x.requireString(source, "data", path + ".source.data");
            case "url" -> x.requireString(source, "url", path + ".source.url");
            default -> throw TranslationException.unsupported(path + ".source.type",
                    "image source '" + type + "' cannot be sent to this backend");
        };
        return JsonObject.builder().put("type", "image_url")
                .put("image_url", JsonObject.builder().put("url", url).build()).build();
    }
}
