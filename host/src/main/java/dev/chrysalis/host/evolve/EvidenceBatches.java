package dev.chrysalis.host.evolve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.BatchCurator;
import dev.chrysalis.evolution.evidence.EvidenceFormatException;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.evidence.EvidenceReader;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.host.evidence.EvidenceExport;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.host.evidence.FailureKind;
import dev.chrysalis.host.evidence.TurnRecord;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Curation of the host's evidence into batches: every evidence turn not yet in a batch is exported, located to
 * the workspace plugin that most likely caused it (evolution's {@link EvidenceReader}) and grouped per plugin
 * ({@link BatchCurator}: duplicates merge, a batch seals at 8 items); what is left open is sealed on demand. The
 * sealed batches are stored in the {@link BatchBook}, and rebuilt from the store when a run (or a resume) needs them.
 */
public final class EvidenceBatches {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Workspace workspace;
    private final EvidenceStore store;
    private final BatchBook book;
    private final Clock clock;
    private final EvidenceReader reader;
    private final EvidenceExport export = new EvidenceExport(JSON);

    public EvidenceBatches(Workspace workspace, EvidenceStore store, BatchBook book, Clock clock) {
        this.workspace = workspace;
        this.store = store;
        this.book = book;
        this.clock = clock;
        Map<String, Set<String>> packages = new HashMap<>();
        List<PluginSource> plugins = workspace.plugins();
        plugins.forEach(p -> packages.put(p.name(), workspace.javaPackages(p.name())));
        this.reader = new EvidenceReader(JSON, plugins, packages);
    }

    /** What sealing found: the new batches, and each evidence turn left out with the reason. */
    public record Sealing(List<BatchBook.StoredBatch> sealed, List<String> skipped) {
    }

    /** Seals the evidence not yet in a batch (only {@code plugin}'s, when given) into new stored batches. */
    public Sealing sealNew(Optional<String> plugin) {
        Set<Long> assigned = book.assigned();
        BatchCurator curator = new BatchCurator(BatchCurator.DEFAULT_SEAL_AT, p -> List.of());
        List<Batch> sealed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (TurnRecord turn : store.allEvidence()) {
            if (assigned.contains(turn.id())) {
                continue;
            }
            if (onlyRefusals(turn)) {
                skipped.add("evidence #" + turn.id() + ": the skill refused its input (SKILL_ERROR), which is not a bug by itself;"
                        + " flag the turn with /bad if the refusal was wrong");
                continue;
            }
            for (EvidenceItem item : read(turn, skipped)) {
                if (plugin.isPresent() && !plugin.get().equals(item.plugin())) {
                    continue;
                }
                if (item.cases().isEmpty()) {
                    skipped.add("evidence #" + turn.id() + " (" + item.plugin() + ") recorded no tool call, so nothing can replay it");
                    continue;
                }
                curator.add(item).ifPresent(sealed::add);
            }
        }
        sealed.addAll(curator.sealAll());
        List<BatchBook.StoredBatch> stored = new ArrayList<>();
        for (Batch b : sealed) {
            List<Long> ids = new ArrayList<>();
            b.items().forEach(i -> ids.addAll(i.evidenceIds()));
            BatchBook.StoredBatch s = new BatchBook.StoredBatch(book.nextId(b.plugin()), b.plugin(), ids, clock.instant());
            book.add(s);
            stored.add(s);
        }
        return new Sealing(stored, skipped);
    }

    /**
     * A turn whose only failures are skills refusing their input (an explained error, e.g. division by zero) is no
     * evidence of a bug: "fixing" it would only change the message. A person's flag makes it evidence.
     */
    static boolean onlyRefusals(TurnRecord turn) {
        return !turn.failures().isEmpty() && turn.failures().stream().allMatch(f -> f.kind() == FailureKind.SKILL_ERROR);
    }

    private List<EvidenceItem> read(TurnRecord turn, List<String> skipped) {
        try {
            return reader.read(export.toJsonLine(turn), "evidence #" + turn.id());
        } catch (EvidenceFormatException e) {
            skipped.add(e.getMessage());
            return List.of();
        }
    }

    /** The batch as the loop works on it: its evidence read again from the store, the plugin's replay cases on main as regression cases. */
    public Batch rebuild(BatchBook.StoredBatch stored) {
        BatchCurator curator = new BatchCurator(Integer.MAX_VALUE, this::regressionCases);
        List<String> problems = new ArrayList<>();
        for (long id : stored.evidenceIds()) {
            TurnRecord turn = store.turn(id).orElseThrow(() -> new EvolveException("evidence #" + id + " of batch " + stored.id()
                    + " is no longer in the evidence store"));
            read(turn, problems).stream().filter(i -> i.plugin().equals(stored.plugin())).forEach(curator::add);
        }
        Batch b = curator.seal(stored.plugin()).orElseThrow(() -> new EvolveException("batch " + stored.id() + ": none of its evidence "
                + stored.evidenceIds() + " points at " + stored.plugin() + " any more" + (problems.isEmpty() ? "" : " (" + problems + ")")));
        return new Batch(stored.id(), b.plugin(), b.items(), b.regression(), true);
    }

    private List<ReplayCase> regressionCases(String plugin) {
        String path = plugin + "/replay.jsonl";
        return ReplayCases.parse(workspace.read(Workspace.MAIN, path).orElse(""), plugin, path);
    }
}
