package llmproxy.demo;

import llmproxy.config.Backend;
import llmproxy.config.Config;
import llmproxy.config.ConfigLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code -demo} end to end: the built jar in a child JVM, every curl command it prints executed as printed
 * with the real curl binary, in printed order (the order a reader follows; the fallback command is the first
 * request to reach the flaky backend).
 */
class DemoProcessTest {
    private static final Pattern PROXY_URL = Pattern.compile("the proxy listens on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final String OPENAI_ANSWER =
            "Hello from demo-openai (model demo-gpt-1), a fake OpenAI-style provider inside llm-proxy -demo.";
    private static final String ANTHROPIC_ANSWER =
            "Hello from demo-anthropic (model demo-claude-1), a fake Anthropic-style provider inside llm-proxy -demo.";

    /** One printed command and what running it gave. */
    record Ran(String command, int exit, String out, String err) {
        String describe() {
            return command + "\nexit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private static DemoProcess demo;
    private static String printed;
    private static int port;
    private static List<String> commands;
    private static boolean curlMissing;
    private static final List<Ran> ran = new ArrayList<>();

    @BeforeAll
    static void startTheDemoAndRunEveryPrintedCommand() throws Exception {
        demo = DemoProcess.start();
        printed = demo.awaitOutput(o -> o.contains(DemoGuide.END), Duration.ofSeconds(30), "curl guide");
        Matcher m = PROXY_URL.matcher(printed);
        assertTrue(m.find(), printed);
        port = Integer.parseInt(m.group(1));
        commands = printed.lines().filter(l -> l.startsWith("curl ")).toList();
        curlMissing = !curlRuns();
        if (curlMissing) {
            return;
        }
        for (String command : commands) {
            ran.add(run(command));
        }
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    private static boolean curlRuns() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void assumeCurl() {
        assumeTrue(!curlMissing, "skipped: no curl binary on PATH to run the printed commands with");
    }

    /** Runs a printed line as a POSIX shell would; the guide only uses words and single-quoted strings. */
    private static Ran run(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(shellWords(command)).start();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        byte[] outBytes = out.readAllBytes();
        byte[] errBytes = err.readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("curl did not finish: " + command);
        }
        return new Ran(command, p.exitValue(), new String(outBytes, StandardCharsets.UTF_8),
                new String(errBytes, StandardCharsets.UTF_8));
    }

    static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                int close = line.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new AssertionError("unbalanced quote in: " + line);
                }
                word.append(line, i + 1, close);
                inWord = true;
                i = close;
            } else if (c == ' ') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if ("\"$`\\;|&<>(){}*?[]#~".indexOf(c) >= 0) {
                throw new AssertionError("'" + c + "' outside single quotes would need a real shell: " + line);
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static Ran ranWith(String... parts) {
        assumeCurl();
        List<Ran> matching = ran.stream().filter(r -> List.of(parts).stream().allMatch(r.command()::contains)).toList();
        assertEquals(1, matching.size(), "commands containing " + List.of(parts) + ":\n" + String.join("\n", commands));
        Ran r = matching.get(0);
        assertEquals(0, r.exit(), r.describe());
        return r;
    }

    /** The text of every "data:" line of an SSE body, in order. */
    private static List<String> dataLines(String sse) {
        return sse.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
    }

    private static String joined(List<String> events, Pattern piece) {
        StringBuilder text = new StringBuilder();
        for (String e : events) {
            Matcher m = piece.matcher(e);
            if (m.find()) {
                text.append(m.group(1));
            }
        }
        return text.toString();
    }

    @Test
    void printsSevenCurlCommands_eachWithTheRealPortAndTheDemoKey() {
        assertEquals(7, commands.size(), printed);
        for (String c : commands) {
            assertTrue(c.contains("http://127.0.0.1:" + port + "/v1/"), c);
            assertTrue(c.contains(DemoConfig.PROXY_KEY), c);
        }
    }

    @Test
    void printedConfiguration_isTheOneRunning_andLoadsCleanly() throws Exception {
        int start = printed.indexOf(DemoGuide.CONFIG_START);
        int end = printed.indexOf(DemoGuide.CONFIG_END);
        assertTrue(start >= 0 && end > start, printed);
        String yaml = printed.substring(start + DemoGuide.CONFIG_START.length() + 1, end);
        Config c = new ConfigLoader(Map.of()).parse(yaml, Path.of("printed.yaml"));
        assertEquals(List.of(), c.warnings());
        assertEquals("127.0.0.1", c.server().host());
        assertTrue(c.server().port() == port || c.server().port() == 0 && port != DemoConfig.PREFERRED_PORT,
                "listen " + c.listen() + " vs served port " + port);
        for (Backend b : c.backends()) {
            assertEquals("127.0.0.1", b.url().getHost(), b.toString());
        }
    }

    @Test
    void jsonChatCommand_getsAnOpenAiChatCompletionFromTheUpstreamModel() {
        Ran r = ranWith("/v1/chat/completions", "\"model\":\"gpt-demo\"", "-s -w");
        assertTrue(r.out().startsWith("{\"id\":\"chatcmpl-demo-"), r.describe());
        assertTrue(r.out().contains("\"object\":\"chat.completion\""), r.describe());
        assertTrue(r.out().contains("\"model\":\"demo-gpt-1\""), r.describe());
        assertTrue(r.out().contains("\"message\":{\"role\":\"assistant\",\"content\":\"" + OPENAI_ANSWER + "\""), r.describe());
        assertTrue(r.out().endsWith("}\n"), r.describe());
    }

    @Test
    void streamingChatCommand_getsOpenAiChunks_roleFirst_thenText_thenStop_thenDone() {
        Ran r = ranWith("/v1/chat/completions", "\"model\":\"gpt-demo\"", "\"stream\":true");
        List<String> events = dataLines(r.out());
        assertTrue(events.size() > 3, r.describe());
        assertEquals("[DONE]", events.get(events.size() - 1), r.describe());
        List<String> chunks = events.subList(0, events.size() - 1);
        chunks.forEach(c -> assertTrue(c.contains("\"object\":\"chat.completion.chunk\""), c));
        assertTrue(chunks.get(0).contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\""), chunks.get(0));
        assertTrue(chunks.get(chunks.size() - 1).contains("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\""),
                chunks.get(chunks.size() - 1));
        assertEquals(OPENAI_ANSWER, joined(chunks, Pattern.compile("\"delta\":\\{\"content\":\"([^\"]*)\"\\}")));
    }

    @Test
    void anthropicMessagesCommand_getsAnAnthropicMessage() {
        Ran r = ranWith("/v1/messages", "\"model\":\"claude-demo\"", "-s -w");
        assertTrue(r.out().startsWith("{\"id\":\"msg_demo_"), r.describe());
        assertTrue(r.out().contains("\"type\":\"message\",\"role\":\"assistant\",\"model\":\"demo-claude-1\""), r.describe());
        assertTrue(r.out().contains("\"content\":[{\"type\":\"text\",\"text\":\"" + ANTHROPIC_ANSWER + "\"}]"), r.describe());
        assertTrue(r.out().contains("\"stop_reason\":\"end_turn\""), r.describe());
    }

    @Test
    void anthropicStreamingCommand_getsAnthropicsEventsInOrder() {
        Ran r = ranWith("/v1/messages", "\"model\":\"claude-demo\"", "\"stream\":true");
        List<String> names = r.out().lines().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
        List<String> data = dataLines(r.out());
        assertEquals(names.size(), data.size(), r.describe());
        for (int i = 0; i < names.size(); i++) {
            assertTrue(data.get(i).startsWith("{\"type\":\"" + names.get(i) + "\""), names.get(i) + " / " + data.get(i));
        }
        List<String> shape = new ArrayList<>(names);
        shape.removeIf(n -> n.equals("ping"));
        int deltas = (int) shape.stream().filter(n -> n.equals("content_block_delta")).count();
        assertTrue(deltas > 1, r.describe());
        List<String> expected = new ArrayList<>(List.of("message_start", "content_block_start"));
        expected.addAll(Collections.nCopies(deltas, "content_block_delta"));
        expected.addAll(List.of("content_block_stop", "message_delta", "message_stop"));
        assertEquals(expected, shape);
        assertTrue(data.get(names.indexOf("message_delta")).contains("\"stop_reason\":\"end_turn\""), r.describe());
        assertEquals(ANTHROPIC_ANSWER, joined(data, Pattern.compile("\"text_delta\",\"text\":\"([^\"]*)\"")));
    }

    @Test
    void fallbackCommand_isServedByTheFallbackBackend_andTheLogShowsTheFallbackAndTheCooldown() {
        Ran r = ranWith("/v1/chat/completions", "\"model\":\"flaky-gpt\"");
        assertTrue(r.out().contains("\"content\":\"" + OPENAI_ANSWER + "\""), r.describe());
        String log = demo.awaitOutput(o -> o.contains("request succeeded: backend=demo-openai model=demo-gpt-1")
                && o.contains("attempt failed: backend=demo-openai-flaky"), Duration.ofSeconds(10), "fallback log lines");
        assertTrue(log.contains("attempt failed: backend=demo-openai-flaky model=demo-gpt-1 status 503; cooldown until "),
                log);
        assertTrue(log.contains("; falling back"), log);
    }

    @Test
    void translationCommand_getsAnOpenAiChatCompletionFromTheAnthropicStyleBackend() {
        Ran r = ranWith("/v1/chat/completions", "\"model\":\"claude-demo\"");
        assertTrue(r.out().contains("\"object\":\"chat.completion\""), r.describe());
        assertTrue(r.out().contains("\"content\":\"" + ANTHROPIC_ANSWER + "\""), r.describe());
    }

    @Test
    void modelsCommand_listsTheDemoAliases() {
        Ran r = ranWith("/v1/models");
        assertTrue(r.out().startsWith("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-demo\",\"object\":\"model\""), r.describe());
        assertTrue(r.out().contains("{\"id\":\"flaky-gpt\""), r.describe());
        assertTrue(r.out().contains("{\"id\":\"claude-demo\""), r.describe());
    }

    @Test
    void demo_writesNoFilesInItsWorkingDirectory() {
        // Checked after every printed command has run (in @BeforeAll), so request logging had its chance.
        assertEquals(List.of(), demo.files(), "files written in " + demo.dir());
        assertFalse(printed.contains("Exception"), printed);
    }

    @Test
    void demo_listensOnLoopbackOnly() throws Exception {
        InetAddress other = DemoProcess.nonLoopbackAddress();
        assumeTrue(other != null, "skipped: this machine has no non-loopback address to try");
        List<Integer> ports = new ArrayList<>(List.of(port));
        Matcher fake = Pattern.compile("url: \"http://127\\.0\\.0\\.1:(\\d+)/v1\"").matcher(printed);
        while (fake.find()) {
            ports.add(Integer.parseInt(fake.group(1)));
        }
        assertEquals(4, ports.size(), printed);
        for (int p : ports) {
            try (Socket s = new Socket()) {
                assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(other, p), 2000),
                        "port " + p + " answers on " + other);
            }
        }
    }
}
