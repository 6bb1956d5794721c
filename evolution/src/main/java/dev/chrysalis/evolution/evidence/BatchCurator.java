package dev.chrysalis.evolution.evidence;

import dev.chrysalis.spi.replay.ReplayCase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Groups evidence into one open batch per plugin; a batch seals when it holds {@code sealAt} items, or on
 * demand. An item whose calls (skill and input) are all already in the open batch merges into the item that
 * holds them (its evidence ids are added) instead of counting again.
 */
public final class BatchCurator {
    public static final int DEFAULT_SEAL_AT = 8;

    private final int sealAt;
    private final Function<String, List<ReplayCase>> regressionCases;
    private final Map<String, List<EvidenceItem>> open = new LinkedHashMap<>();
    private final Map<String, Integer> sequence = new LinkedHashMap<>();
    private final List<Batch> sealed = new ArrayList<>();

    /** @param regressionCases a plugin's replay cases (its replay.jsonl on main) */
    public BatchCurator(int sealAt, Function<String, List<ReplayCase>> regressionCases) {
        if (sealAt < 1) {
            throw new IllegalArgumentException("a batch must seal at 1 item or more, got " + sealAt);
        }
        this.sealAt = sealAt;
        this.regressionCases = regressionCases;
    }

    /** Adds an item; returns the batch it sealed, if it filled one. */
    public Optional<Batch> add(EvidenceItem item) {
        List<EvidenceItem> items = open.computeIfAbsent(item.plugin(), p -> new ArrayList<>());
        for (int i = 0; i < items.size(); i++) {
            EvidenceItem existing = items.get(i);
            if (!item.cases().isEmpty() && keys(existing).containsAll(keys(item))) {
                List<Long> ids = new ArrayList<>(existing.evidenceIds());
                item.evidenceIds().stream().filter(id -> !ids.contains(id)).forEach(ids::add);
                List<String> why = new ArrayList<>(existing.why());
                item.why().stream().filter(w -> !why.contains(w)).forEach(why::add);
                List<String> traces = new ArrayList<>(existing.stackTraces());
                item.stackTraces().stream().filter(t -> !traces.contains(t)).forEach(traces::add);
                items.set(i, new EvidenceItem(ids, existing.plugin(), why, traces, existing.cases()));
                return Optional.empty();
            }
        }
        items.add(item);
        return items.size() >= sealAt ? Optional.of(seal(item.plugin()).orElseThrow()) : Optional.empty();
    }

    private static List<String> keys(EvidenceItem item) {
        return item.cases().stream().map(EvidenceCase::dedupKey).toList();
    }

    /** Seals the plugin's open batch now; empty when it has none. */
    public Optional<Batch> seal(String plugin) {
        List<EvidenceItem> items = open.remove(plugin);
        if (items == null || items.isEmpty()) {
            return Optional.empty();
        }
        int n = sequence.merge(plugin, 1, Integer::sum);
        Batch b = new Batch(plugin + "-" + n, plugin, items, regressionCases.apply(plugin), true);
        sealed.add(b);
        return Optional.of(b);
    }

    /** Seals every open batch. */
    public List<Batch> sealAll() {
        List<Batch> out = new ArrayList<>();
        for (String plugin : List.copyOf(open.keySet())) {
            seal(plugin).ifPresent(out::add);
        }
        return out;
    }

    /** The open (unsealed) batches as they stand. */
    public List<Batch> openBatches() {
        List<Batch> out = new ArrayList<>();
        open.forEach((plugin, items) -> out.add(new Batch(plugin + "-" + (sequence.getOrDefault(plugin, 0) + 1), plugin, items,
                List.of(), false)));
        return out;
    }

    public List<Batch> sealedBatches() {
        return List.copyOf(sealed);
    }
}
