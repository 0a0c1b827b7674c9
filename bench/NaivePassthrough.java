// The ceiling for bench/run.sh: the least a JDK HttpServer + HttpClient pass-through can do. No
// routing, no JSON, no logging, no auth: read the body, POST it upstream, copy status and body back.
// Run with source launch:  java bench/NaivePassthrough.java PORT http://127.0.0.1:UPSTREAM
//                    or:   java bench/NaivePassthrough.java PORT --hello   (HttpServer alone, fixed answer)
// NAIVE_CLIENT_EXECUTOR=virtual|direct gives the HttpClient that executor instead of its default
// cached pool of platform threads (an experiment; see docs/benchmarks.md).
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

public class NaivePassthrough {
    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(args[0]);
        String upstream = args[1];
        boolean hello = upstream.equals("--hello");
        byte[] fixed = "{\"object\":\"chat.completion\",\"choices\":[]}".getBytes(StandardCharsets.UTF_8);
        HttpClient.Builder cb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY);
        switch (System.getenv().getOrDefault("NAIVE_CLIENT_EXECUTOR", "default")) {
            case "virtual" -> cb.executor(Executors.newVirtualThreadPerTaskExecutor());
            case "direct" -> cb.executor(Runnable::run);
            default -> { }
        }
        HttpClient client = cb.build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/", ex -> {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                if (hello || ex.getRequestURI().getPath().equals("/health")) {
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, fixed.length);
                    ex.getResponseBody().write(fixed);
                    return;
                }
                HttpRequest req = HttpRequest.newBuilder(URI.create(upstream + ex.getRequestURI().getRawPath()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                HttpResponse<byte[]> resp = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                ex.getResponseHeaders().set("Content-Type",
                        resp.headers().firstValue("content-type").orElse("application/json"));
                ex.sendResponseHeaders(resp.statusCode(), resp.body().length == 0 ? -1 : resp.body().length);
                ex.getResponseBody().write(resp.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("naive " + (hello ? "hello" : "pass-through to " + upstream) + " on " + port);
    }
}
