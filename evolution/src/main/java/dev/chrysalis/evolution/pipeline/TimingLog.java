package dev.chrysalis.evolution.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where every evolution run spent its time: one JSON line per run, appended when the run ends, with its batch,
 * attempt, the stage it ended in, its wall time and its {@link StageTimes}. Read by {@code bench evolution} for the
 * per-stage breakdown. A torn or unreadable line is skipped on reading.
 */
public final class TimingLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    /** One run's times. */
    public record Entry(String batch, int attempt, Stage ended, Duration elapsed, int candidates, StageTimes steps) {
    }

    public TimingLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void append(String batch, int attempt, Stage ended, Duration elapsed, int candidates, StageTimes steps) {
        ObjectNode o = JSON.createObjectNode().put("batch", batch).put("attempt", attempt).put("ended", ended.name())
                .put("elapsedMs", elapsed.toNanos() / 1e6).put("candidates", candidates);
        o.set("steps", steps.toJson());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, o + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("evolution timings " + file + " cannot be written", e);
        }
    }

    public List<Entry> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode n = JSON.readTree(line);
                    out.add(new Entry(n.get("batch").asText(), n.path("attempt").asInt(), Stage.valueOf(n.get("ended").asText()),
                            Duration.ofNanos(Math.round(n.get("elapsedMs").asDouble() * 1e6)), n.path("candidates").asInt(),
                            StageTimes.fromJson(n.path("steps"))));
                } catch (IOException | RuntimeException e) {
                    System.getLogger(TimingLog.class.getName()).log(System.Logger.Level.WARNING,
                            "evolution timings " + file + ": skipping unreadable line: " + e.getMessage());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("evolution timings " + file + " cannot be read", e);
        }
    }
}
