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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every transition of every evolution, appended as one JSON line and forced to disk before the stage it
 * enters begins; a torn last line (a crash mid-write) is skipped on reading.
 */
public final class Journal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public Journal(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void append(Transition t) {
        ObjectNode o = JSON.createObjectNode().put("batch", t.batch()).put("attempt", t.attempt()).put("candidate", t.candidate())
                .put("from", t.from().name()).put("to", t.to().name()).put("at", t.at().toString()).put("detail", t.detail());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, (o + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE, StandardOpenOption.DSYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("evolution journal " + file + " cannot be written", e);
        }
    }

    public List<Transition> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Transition> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                    out.add(new Transition(n.get("batch").asText(), n.path("attempt").asInt(1), n.get("candidate").asInt(), Stage.valueOf(n.get("from").asText()),
                            Stage.valueOf(n.get("to").asText()), Instant.parse(n.get("at").asText()), n.get("detail").asText()));
                } catch (IOException | RuntimeException e) {
                    System.getLogger(Journal.class.getName()).log(System.Logger.Level.WARNING,
                            "evolution journal " + file + ": skipping unreadable line: " + e.getMessage());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("evolution journal " + file + " cannot be read", e);
        }
    }

    public List<Transition> of(String batch) {
        return read().stream().filter(t -> t.batch().equals(batch)).toList();
    }

    /** The stage a batch's evolution last entered. */
    public Optional<Stage> last(String batch) {
        List<Transition> ts = of(batch);
        return ts.isEmpty() ? Optional.empty() : Optional.of(ts.getLast().to());
    }
}
