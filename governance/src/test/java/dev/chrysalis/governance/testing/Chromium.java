package dev.chrysalis.governance.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Real headless Chromium driven over the DevTools protocol (JDK WebSocket, no extra libraries): navigate,
 * read the DOM, fill in and submit forms as a person would.
 */
public final class Chromium implements AutoCloseable {
    private static final List<String> BINARIES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private final ObjectMapper json = new ObjectMapper();
    private final Process process;
    private final WebSocket socket;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final String session;

    /** The Chromium binary, installing the Debian packages chromium and chromium-driver first when missing and allowed. */
    public static Optional<Path> binary() {
        Optional<Path> found = BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
        if (found.isPresent() || System.getenv("CHRYSALIS_NO_INSTALL") != null) {
            return found;
        }
        try {
            Process p = new ProcessBuilder("apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return BINARIES.stream().map(Path::of).filter(Files::isExecutable).findFirst();
    }

    public Chromium(Path binary, Path profile) throws IOException, InterruptedException {
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--no-default-browser-check", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).start();
        String wsUrl = null;
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
            seen.append(line).append('\n');
            int at = line.indexOf("ws://");
            if (line.startsWith("DevTools listening on") && at >= 0) {
                wsUrl = line.substring(at).strip();
                break;
            }
        }
        if (wsUrl == null) {
            process.destroyForcibly();
            throw new IOException("Chromium did not open its DevTools port: " + seen);
        }
        Thread.ofVirtual().start(() -> {
            try {
                reader.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the browser went away
            }
        });
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(wsUrl), new Listener()).join();
        String target = call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        session = call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true)).get("sessionId").asText();
        call(session, "Page.enable", Map.of());
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buffer.append(data);
            if (last) {
                try {
                    JsonNode msg = json.readTree(buffer.toString());
                    if (msg.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(msg.get("id").asLong());
                        if (f != null) {
                            if (msg.has("error")) {
                                f.completeExceptionally(new IllegalStateException("DevTools error: " + msg.get("error")));
                            } else {
                                f.complete(msg.get("result"));
                            }
                        }
                    }
                } catch (IOException e) {
                    // not JSON: ignore
                }
                buffer.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    private JsonNode call(String sessionId, String method, Map<String, Object> params) {
        long id = ids.incrementAndGet();
        ObjectNode msg = json.createObjectNode().put("id", id).put("method", method);
        msg.set("params", json.valueToTree(params));
        if (sessionId != null) {
            msg.put("sessionId", sessionId);
        }
        var f = new CompletableFuture<JsonNode>();
        pending.put(id, f);
        socket.sendText(msg.toString(), true).join();
        return f.orTimeout(30, TimeUnit.SECONDS).join();
    }

    public void navigate(String url) {
        call(session, "Page.navigate", Map.of("url", url));
        waitUntil(() -> "complete".equals(eval("document.readyState")) && !"about:blank".equals(eval("location.href")), Duration.ofSeconds(15));
    }

    /** Evaluates a JavaScript expression in the page (DevTools evaluation is not subject to the page's CSP). */
    public String eval(String expression) {
        JsonNode r = call(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("page script failed: " + r.get("exceptionDetails"));
        }
        JsonNode v = r.path("result").path("value");
        return v.isMissingNode() || v.isNull() ? "" : v.asText();
    }

    public String url() {
        return eval("location.href");
    }

    public String text(String cssSelector) {
        return eval("(document.querySelector(" + json.valueToTree(cssSelector) + ") || {innerText: ''}).innerText");
    }

    public void type(String id, String value) {
        eval("document.getElementById(" + json.valueToTree(id) + ").value = " + json.valueToTree(value));
    }

    /** Clicks a submit button and waits for the next page to load. */
    public void clickAndWait(String id) {
        String marker = "m" + ids.incrementAndGet();
        eval("window." + marker + " = true");
        eval("document.getElementById(" + json.valueToTree(id) + ").click()");
        waitUntil(() -> {
            try {
                return "complete".equals(eval("document.readyState")) && eval("String(window." + marker + ")").equals("undefined");
            } catch (IllegalStateException e) {
                return false;
            }
        }, Duration.ofSeconds(15));
    }

    public static void waitUntil(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        } catch (RuntimeException ignored) {
            // already closed
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
