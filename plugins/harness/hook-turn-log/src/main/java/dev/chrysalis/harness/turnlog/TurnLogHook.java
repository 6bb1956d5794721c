package dev.chrysalis.harness.turnlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Appends one JSON line per completed turn to {@code turns.jsonl} in the hook's workspace and logs a
 * one-line summary. Runs at priority 100, after {@code redact-secrets} (10), so it only ever writes
 * redacted text. When the file would pass the size limit it is rotated ({@code turns.jsonl} ->
 * {@code turns.1.jsonl} -> {@code turns.2.jsonl} ...; the oldest beyond the kept count is deleted).
 * Never throws: an I/O failure is logged and the turn goes on unchanged.
 */
@Component(service = Hook.class)
public final class TurnLogHook implements Hook {
    public static final String NAME = "turn-log";
    public static final int PRIORITY = 100;
    public static final String FILE = "turns.jsonl";
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    public static final int DEFAULT_KEPT_FILES = 5;

    private final ObjectMapper json = new ObjectMapper();
    private final long maxBytes;
    private final int keptFiles;
    /** One writer at a time per log file (turns of several sessions finish concurrently). */
    private final Map<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** Component properties (e.g. from Configuration Admin, PID {@code dev.chrysalis.harness.turnlog.TurnLogHook}). */
    public @interface Config {
        /** Size in bytes at which turns.jsonl is rotated. */
        long maxBytes() default DEFAULT_MAX_BYTES;

        /** How many rotated files are kept. */
        int keptFiles() default DEFAULT_KEPT_FILES;
    }

    public TurnLogHook() {
        this(DEFAULT_MAX_BYTES, DEFAULT_KEPT_FILES);
    }

    /** The constructor Declarative Services uses; an invalid configuration is refused with a message naming it. */
    @Activate
    public TurnLogHook(Config config) {
        this(config.maxBytes(), config.keptFiles());
    }

    /**
     * @param maxBytes  size at which {@code turns.jsonl} is rotated (a single larger line still gets written)
     * @param keptFiles how many rotated files ({@code turns.1.jsonl} ...) are kept
     */
    TurnLogHook(long maxBytes, int keptFiles) {
        if (maxBytes <= 0 || keptFiles < 1) {
            throw new IllegalArgumentException("turn log needs maxBytes > 0 and keptFiles >= 1, got " + maxBytes + ", " + keptFiles);
        }
        this.maxBytes = maxBytes;
        this.keptFiles = keptFiles;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public TurnData afterTurn(TurnData turn, HookContext context) {
        System.Logger logger = context.logger();
        try {
            byte[] line = (json.writeValueAsString(toJson(turn, context)) + "\n").getBytes(StandardCharsets.UTF_8);
            Path dir = context.workspace();
            Files.createDirectories(dir);
            Path file = dir.resolve(FILE);
            ReentrantLock lock = locks.computeIfAbsent(file.toAbsolutePath().normalize(), p -> new ReentrantLock());
            lock.lock();
            try {
                append(file, line);
            } finally {
                lock.unlock();
            }
            logger.log(System.Logger.Level.INFO, summary(turn));
        } catch (IOException | RuntimeException e) {
            logger.log(System.Logger.Level.ERROR, "turn log: could not record session " + turn.sessionId() + " turn "
                    + turn.turnIndex() + " in " + describeWorkspace(context) + ": " + e, e);
        }
        return turn;
    }

    private static String describeWorkspace(HookContext context) {
        try {
            return String.valueOf(context.workspace().resolve(FILE));
        } catch (RuntimeException e) {
            return "the hook workspace";
        }
    }

    private ObjectNode toJson(TurnData turn, HookContext context) {
        ObjectNode o = json.createObjectNode();
        o.put("session", turn.sessionId());
        o.put("turn", turn.turnIndex());
        o.put("time", context.clock().instant().toString());
        o.put("user", turn.userMessage());
        ArrayNode calls = o.putArray("toolCalls");
        for (ToolCall c : turn.toolCalls()) {
            ObjectNode call = calls.addObject();
            call.put("skill", c.skill());
            call.set("input", c.input());
            c.output().ifPresent(out -> call.set("output", out));
            c.summary().ifPresent(s -> call.put("summary", s));
            c.error().ifPresent(e -> call.put("error", e));
            call.put("durationMs", c.duration().toMillis());
        }
        o.put("answer", turn.answer());
        ObjectNode attributes = o.putObject("attributes");
        new TreeMap<>(turn.attributes()).forEach(attributes::put);
        return o;
    }

    /** Appends under the lock; rotates first when the line would take the file past the limit. */
    private void append(Path file, byte[] line) throws IOException {
        long size = Files.exists(file) ? Files.size(file) : 0;
        if (size > 0 && size + line.length > maxBytes) {
            rotate(file);
            size = 0;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            if (size > 0 && !endsWithNewline(file)) {
                // A crash mid-write left half a line: close it so this turn's line stays valid JSON.
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            }
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return true;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) == '\n';
        }
    }

    private void rotate(Path file) throws IOException {
        Path dir = file.getParent();
        Files.deleteIfExists(rotated(dir, keptFiles));
        for (int i = keptFiles - 1; i >= 1; i--) {
            Path from = rotated(dir, i);
            if (Files.exists(from)) {
                Files.move(from, rotated(dir, i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, rotated(dir, 1), StandardCopyOption.REPLACE_EXISTING);
    }

    static Path rotated(Path dir, int n) {
        return dir.resolve("turns." + n + ".jsonl");
    }

    /** e.g. {@code session s-1 turn 4: calculator ok 12 ms; answer 2 chars; redactions=password=1}. */
    static String summary(TurnData turn) {
        StringJoiner calls = new StringJoiner(", ");
        for (ToolCall c : turn.toolCalls()) {
            calls.add(c.skill() + (c.failed() ? " failed" : " ok") + " " + c.duration().toMillis() + " ms");
        }
        StringBuilder sb = new StringBuilder("session ").append(turn.sessionId()).append(" turn ").append(turn.turnIndex())
                .append(": ").append(turn.toolCalls().isEmpty() ? "no tool call" : calls.toString())
                .append("; answer ").append(turn.answer().length()).append(" chars");
        String redactions = turn.attributes().get("redactions");
        if (redactions != null) {
            sb.append("; redactions ").append(redactions);
        }
        return sb.toString();
    }
}
