package llmproxy.proxy;

import llmproxy.testkit.Closer;
import llmproxy.testkit.MockUpstream;
import llmproxy.testkit.ProxyFixture;
import llmproxy.testkit.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A translated stream's first content goes to the client at once, not after the upstream's next event. */
class TranslatedStreamFlowTest {
    static final String KEY = "sk-proxy-client-key-0123456789";
    static final String CONFIG = """
            listen: "127.0.0.1:0"
            proxy_api_key: "%s"
            backends:
              - name: claude
                url: "${A}/v1"
                api_key: "sk-ant-backend-secret-aaaaaaaa"
                protocol: anthropic
            models:
              "m":
                routes:
                  - backend: claude
                    model: "claude-x"
            logging:
              level: error
            """.formatted(KEY);

    final Closer closer = new Closer();

    @AfterEach
    void closeAll() throws Exception {
        closer.close();
    }

    @Test
    void firstTranslatedChunk_reachesTheClientBeforeTheUpstreamSendsMore() throws Exception {
        CountDownLatch clientHasFirstText = new CountDownLatch(1);
        MockUpstream a = closer.upstream((ex, req) -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                    + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],"
                    + "\"stop_reason\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                    + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            clientHasFirstText.await(5, TimeUnit.SECONDS); // the rest only once the client saw the first text
            out.write(("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                    + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                    + "\"usage\":{\"output_tokens\":2}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n").getBytes(StandardCharsets.UTF_8));
        });
        ProxyFixture p = closer.proxy(CONFIG, Map.of("A", a.url()), new TestClock(1_700_000_000_000L));

        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = p.client().send(HttpRequest.newBuilder(p.uri("/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"max_tokens\":9,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long firstTextMillis = -1;
        StringBuilder all = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                all.append(line).append('\n');
                if (firstTextMillis < 0 && line.contains("\"content\":\"Hello\"")) {
                    firstTextMillis = (System.nanoTime() - t0) / 1_000_000;
                    clientHasFirstText.countDown();
                }
            }
        }
        assertTrue(firstTextMillis >= 0, all.toString());
        assertTrue(firstTextMillis < 3_000, "the first text waited for the upstream's next event: " + firstTextMillis
                + " ms");
        assertTrue(all.toString().contains("data: [DONE]"), all.toString());
    }
}
