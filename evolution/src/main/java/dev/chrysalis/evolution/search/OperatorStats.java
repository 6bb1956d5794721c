package dev.chrysalis.evolution.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.evolution.mutate.Operator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per plugin, per mutation operator, an exponential moving average of signed outcomes (MAA): +1 when a
 * candidate made by the operator fixed more evidence than its parent, -1 when it did not compile or did
 * worse, 0 when it changed nothing. Operators that worked for a plugin are tried first next time. Stored
 * as JSON ({@code <dir>/<plugin>.json}), written atomically after every update.
 */
public final class OperatorStats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final double alpha;
    private final Map<Operator, Double> ema = new EnumMap<>(Operator.class);

    public OperatorStats(Path dir, String plugin, double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("MAA smoothing must be in (0, 1], got " + alpha);
        }
        this.file = dir.resolve(plugin + ".json");
        this.alpha = alpha;
        if (Files.isRegularFile(file)) {
            try {
                JsonNode n = JSON.readTree(file.toFile());
                for (Operator op : Operator.values()) {
                    if (n.has(op.label())) {
                        ema.put(op, n.get(op.label()).asDouble());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("operator statistics " + file + " cannot be read", e);
            }
        }
    }

    public double score(Operator op) {
        return ema.getOrDefault(op, 0.0);
    }

    public void record(Operator op, double signedOutcome) {
        double clipped = Math.max(-1, Math.min(1, signedOutcome));
        ema.put(op, ema.containsKey(op) ? (1 - alpha) * ema.get(op) + alpha * clipped : clipped);
        ObjectNode o = JSON.createObjectNode();
        ema.forEach((k, v) -> o.put(k.label(), v));
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, o.toString());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("operator statistics " + file + " cannot be written", e);
        }
    }
}
