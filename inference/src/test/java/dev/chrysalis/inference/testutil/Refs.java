package dev.chrysalis.inference.testutil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One reference JSON ({@code refs/NAME.p0.json}): prompt tokens and per-engine top logits. */
public record Refs(String model, int[] promptTokens, JsonNode root) {

    public static Refs load(String jsonName) {
        try {
            JsonNode n = new ObjectMapper().readTree(Files.readString(Fixtures.refs(jsonName)));
            int[] toks = new int[n.get("prompt_tokens").size()];
            for (int i = 0; i < toks.length; i++) {
                toks[i] = n.get("prompt_tokens").get(i).asInt();
            }
            return new Refs(n.get("model_file").asText(), toks, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> all() {
        try (var s = Files.list(Fixtures.root().resolve("refs"))) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".p0.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path modelPath() {
        return Fixtures.model(model);
    }

    /** top[pos][i] = {token, logit} for engine {@code engine} (e.g. numpy_f64). */
    public double[][][] topPerPosition(String engine) {
        JsonNode per = root.get(engine).get("top_logits_per_position");
        double[][][] out = new double[per.size()][][];
        for (int p = 0; p < per.size(); p++) {
            out[p] = new double[per.get(p).size()][2];
            for (int i = 0; i < per.get(p).size(); i++) {
                out[p][i][0] = per.get(p).get(i).get(0).asDouble();
                out[p][i][1] = per.get(p).get(i).get(1).asDouble();
            }
        }
        return out;
    }

    public int[] greedyIds(String engine) {
        JsonNode g = root.get(engine).get("greedy_ids");
        int[] ids = new int[g.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = g.get(i).asInt();
        }
        return ids;
    }

    public List<String> engines() {
        List<String> e = new ArrayList<>();
        root.fieldNames().forEachRemaining(f -> {
            if (root.get(f).isObject()) {
                e.add(f);
            }
        });
        return e;
    }
}
