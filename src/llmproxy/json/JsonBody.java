package llmproxy.json;

import java.nio.charset.StandardCharsets;

/**
 * What the proxy needs from a request body: the top-level {@code model} (null when absent), the byte
 * span of its string token (quotes included) for rewriting, and whether {@code "stream": true}.
 */
public record JsonBody(String model, int modelStart, int modelEnd, boolean modelNotString, boolean stream) {

    /** Returns {@code body} with the model string token replaced by {@code newModel}, all else unchanged. */
    public byte[] withModel(byte[] body, String newModel) {
        byte[] token = JsonStrings.quote(newModel).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length - (modelEnd - modelStart) + token.length];
        System.arraycopy(body, 0, out, 0, modelStart);
        System.arraycopy(token, 0, out, modelStart, token.length);
        System.arraycopy(body, modelEnd, out, modelStart + token.length, body.length - modelEnd);
        return out;
    }
}
