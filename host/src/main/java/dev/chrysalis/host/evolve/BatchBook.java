package dev.chrysalis.host.evolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The sealed batches of a data directory ({@code <data dir>/evolution/batches.json}): which evidence rows each
 * holds, so a batch is rebuilt the same way on every run (resume, {@code --batch ID}) and no evidence row goes into
 * two batches. Written atomically (temp file, then move).
 */
public final class BatchBook {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A sealed batch as stored: its id ({@code <plugin>-<n>}), plugin, evidence rows and when it was sealed. */
    public record StoredBatch(String id, String plugin, List<Long> evidenceIds, Instant sealedAt) {
        public StoredBatch {
            evidenceIds = List.copyOf(evidenceIds);
        }
    }

    private final Path file;
    private final List<StoredBatch> batches;

    private BatchBook(Path file, List<StoredBatch> batches) {
        this.file = file;
        this.batches = batches;
    }

    public static BatchBook open(Path evolutionHome) {
        Path file = evolutionHome.resolve("batches.json");
        List<StoredBatch> out = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                for (JsonNode b : JSON.readTree(file.toFile()).path("batches")) {
                    List<Long> ids = new ArrayList<>();
                    b.path("evidence").forEach(n -> ids.add(n.asLong()));
                    out.add(new StoredBatch(b.path("id").asText(), b.path("plugin").asText(), ids, Instant.parse(b.path("sealedAt").asText())));
                }
            } catch (IOException | RuntimeException e) {
                throw new EvolveException("batch list " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new BatchBook(file, out);
    }

    public List<StoredBatch> all() {
        return List.copyOf(batches);
    }

    public Optional<StoredBatch> find(String id) {
        return batches.stream().filter(b -> b.id().equals(id)).findFirst();
    }

    /** Evidence rows already in a batch. */
    public Set<Long> assigned() {
        Set<Long> out = new HashSet<>();
        batches.forEach(b -> out.addAll(b.evidenceIds()));
        return out;
    }

    /** The id the next batch of {@code plugin} gets: {@code <plugin>-<n>}, one more than its batches so far. */
    public String nextId(String plugin) {
        int n = 0;
        for (StoredBatch b : batches) {
            if (b.plugin().equals(plugin)) {
                n = Math.max(n, Integer.parseInt(b.id().substring(b.id().lastIndexOf('-') + 1)));
            }
        }
        return plugin + "-" + (n + 1);
    }

    public void add(StoredBatch batch) {
        if (find(batch.id()).isPresent()) {
            throw new EvolveException("batch " + batch.id() + " exists already");
        }
        batches.add(batch);
        save();
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("batches");
        for (StoredBatch b : batches) {
            ObjectNode o = arr.addObject().put("id", b.id()).put("plugin", b.plugin()).put("sealedAt", b.sealedAt().toString());
            ArrayNode ids = o.putArray("evidence");
            b.evidenceIds().forEach(ids::add);
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "batches-", ".json");
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write batch list " + file + ": " + e.getMessage(), e);
        }
    }
}
