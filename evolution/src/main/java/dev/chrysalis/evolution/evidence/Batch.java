package dev.chrysalis.evolution.evidence;

import dev.chrysalis.spi.replay.ReplayCase;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Evidence grouped by the plugin that most likely caused it, with the plugin's replay cases as regression
 * cases. A sealed batch no longer takes evidence and is what an evolution works on.
 */
public record Batch(String id, String plugin, List<EvidenceItem> items, List<ReplayCase> regression, boolean sealed) {
    public Batch {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(plugin, "plugin");
        items = List.copyOf(items);
        regression = List.copyOf(regression);
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("batch id '" + id + "' must be lower-case letters, digits and '-'");
        }
    }

    /** Every evidence case of the batch, in order. */
    public List<EvidenceCase> evidenceCases() {
        List<EvidenceCase> out = new ArrayList<>();
        items.forEach(i -> out.addAll(i.cases()));
        return out;
    }

    /** Every stack trace recorded with the batch's evidence. */
    public List<String> stackTraces() {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.addAll(i.stackTraces()));
        return out;
    }
}
