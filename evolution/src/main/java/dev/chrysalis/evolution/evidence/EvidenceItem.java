package dev.chrysalis.evolution.evidence;

import java.util.List;
import java.util.Objects;

/**
 * One exported evidence turn, located to the plugin that most likely caused it.
 *
 * @param evidenceIds the evidence rows this item stands for (more than one after duplicates merged)
 * @param plugin      the plugin folder name in the workspace
 * @param why         the failure messages, for people and prompts
 * @param stackTraces stack traces recorded with the failures (used by fault localisation)
 */
public record EvidenceItem(List<Long> evidenceIds, String plugin, List<String> why, List<String> stackTraces,
                           List<EvidenceCase> cases) {
    public EvidenceItem {
        evidenceIds = List.copyOf(evidenceIds);
        Objects.requireNonNull(plugin, "plugin");
        why = List.copyOf(why);
        stackTraces = List.copyOf(stackTraces);
        cases = List.copyOf(cases);
        if (evidenceIds.isEmpty()) {
            throw new IllegalArgumentException("evidence item for '" + plugin + "' names no evidence row");
        }
    }
}
