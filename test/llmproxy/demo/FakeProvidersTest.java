package llmproxy.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fakes on their own, as strict as the providers they stand for. */
class FakeProvidersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
    private static final HttpClient HTTP = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private static final String CHAT = "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final List<FakeServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(FakeServer::close);
    }

    private FakeServer openAi(LongPredicate fails) throws IOException {
        FakeServer s = FakeServer.start(new FakeOpenAi("fake-a", "sk-a", List.of("m1"), fails, CLOCK, Duration.ZERO));
        servers.add(s);
        return s;
    }

    private FakeServer anthropic() throws IOException {
        FakeServer s = FakeServer.start(new FakeAnthropic("fake-c", "sk-c", List.of("c1"), Duration.ZERO));
        servers.add(s);
        return s;
    }

    private static HttpResponse<String> post(FakeServer s, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void openAi_withoutItsBearerKey_is401InOpenAisErrorShape() throws Exception {
        HttpResponse<String> r = post(openAi(n -> false), "/v1/chat/completions", CHAT, "Authorization", "Bearer sk-other");
        assertEquals(401, r.statusCode());
        assertEquals("{\"error\":{\"message\":\"Incorrect API key provided to fake-a.\",\"type\":\"invalid_request_error\","
                + "\"param\":null,\"code\":\"invalid_api_key\"}}", r.body());
    }

    @Test
    void openAi_modelItDoesNotServe_is404ModelNotFound() throws Exception {
        HttpResponse<String> r = post(openAi(n -> false), "/v1/chat/completions", CHAT.replace("m1", "gpt-demo"),
                "Authorization", "Bearer sk-a");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("\"code\":\"model_not_found\""), r.body());
    }

    @Test
    void openAi_chatCompletion_hasOpenAisShape() throws Exception {
        HttpResponse<String> r = post(openAi(n -> false), "/v1/chat/completions", CHAT, "Authorization", "Bearer sk-a");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        assertTrue(r.body().startsWith("{\"id\":\"chatcmpl-demo-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"m1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from fake-a"),
                r.body());
        assertTrue(r.body().contains("\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":"), r.body());
    }

    @Test
    void openAi_failingSchedule_answers503ToTheRequestsItNames_only() throws Exception {
        FakeServer s = openAi(n -> n % 2 == 1);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statuses.add(post(s, "/v1/chat/completions", CHAT, "Authorization", "Bearer sk-a").statusCode());
        }
        assertEquals(List.of(503, 200, 503, 200), statuses);
    }

    @Test
    void openAi_listsItsModels() throws Exception {
        FakeServer s = openAi(n -> false);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/models"))
                .header("Authorization", "Bearer sk-a").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("{\"object\":\"list\",\"data\":[{\"id\":\"m1\",\"object\":\"model\",\"created\":1700000000,"
                + "\"owned_by\":\"demo\"}]}", r.body());
    }

    @Test
    void anthropic_withoutItsApiKey_is401InAnthropicsErrorShape() throws Exception {
        HttpResponse<String> r = post(anthropic(), "/v1/messages", "{\"model\":\"c1\"}",
                "Authorization", "Bearer sk-c", "anthropic-version", "2023-06-01");
        assertEquals(401, r.statusCode());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}",
                r.body());
    }

    @Test
    void anthropic_withoutAnthropicVersion_is400() throws Exception {
        HttpResponse<String> r = post(anthropic(), "/v1/messages", "{\"model\":\"c1\"}", "x-api-key", "sk-c");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("anthropic-version: header is required"), r.body());
    }

    @Test
    void anthropic_message_hasAnthropicsShape() throws Exception {
        HttpResponse<String> r = post(anthropic(), "/v1/messages", "{\"model\":\"c1\",\"max_tokens\":9}",
                "x-api-key", "sk-c", "anthropic-version", "2023-06-01");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("{\"id\":\"msg_demo_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c1\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Hello from fake-c"), r.body());
        assertTrue(r.body().contains("\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":"),
                r.body());
    }

    @Test
    void fakes_listenOnLoopbackOnly() throws Exception {
        FakeServer s = openAi(n -> false);
        InetAddress other = DemoProcess.nonLoopbackAddress();
        assumeTrue(other != null, "this machine has no non-loopback address to try");
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class, () -> socket.connect(new InetSocketAddress(other, s.port()), 2000));
        }
    }
}
