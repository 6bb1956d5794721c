package dev.chrysalis.evolution.mutate;

import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.locate.Suspicion;
import dev.chrysalis.evolution.search.OperatorStats;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a mutator works from for one node of the candidate tree.
 *
 * @param batch     the evidence (inputs, expectations, failure messages, stack traces) and regression cases
 * @param files     the node's plugin files, path inside the plugin folder -> text
 * @param suspicion where the fault most likely is (methods and lines; empty when unknown)
 * @param maa       per-operator outcomes for this plugin, for ordering
 */
public record MutationRequest(Batch batch, Map<String, String> files, Suspicion suspicion, OperatorStats maa) {
    public MutationRequest {
        Objects.requireNonNull(batch, "batch");
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files)); // keeps the node's file order: plans are deterministic
        Objects.requireNonNull(suspicion, "suspicion");
        Objects.requireNonNull(maa, "maa");
    }
}
