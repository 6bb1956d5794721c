package dev.chrysalis.host.server;

import dev.chrysalis.governance.web.FailureHistory;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.host.evidence.Failure;
import dev.chrysalis.host.evidence.RecordedToolCall;
import dev.chrysalis.host.evidence.TurnRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Governance's failure history from the evidence store: every recorded tool call of a skill is a call of that
 * skill; it counts as failed when its turn holds a failure naming that skill (or naming no plugin) or the call
 * itself recorded an error. Reads the most recent {@code maxTurns} turns.
 */
public final class EvidenceFailureHistory implements FailureHistory {
    private final EvidenceStore store;
    private final int maxTurns;

    public EvidenceFailureHistory(EvidenceStore store, int maxTurns) {
        this.store = Objects.requireNonNull(store, "store");
        if (maxTurns < 1) {
            throw new IllegalArgumentException("maxTurns must be at least 1, got " + maxTurns);
        }
        this.maxTurns = maxTurns;
    }

    @Override
    public List<Sample> samples(Instant from, Instant to, long bucketSeconds) {
        if (bucketSeconds < 1) {
            throw new IllegalArgumentException("bucketSeconds must be at least 1, got " + bucketSeconds);
        }
        // plugin -> bucket start -> {calls, failures}
        Map<String, Map<Instant, long[]>> counts = new TreeMap<>();
        for (TurnRecord turn : store.recentTurns(maxTurns)) {
            if (turn.started().isBefore(from) || !turn.started().isBefore(to)) {
                continue;
            }
            long offset = (turn.started().getEpochSecond() - from.getEpochSecond()) / bucketSeconds;
            Instant bucket = from.plusSeconds(offset * bucketSeconds);
            for (RecordedToolCall call : turn.toolCalls()) {
                long[] c = counts.computeIfAbsent(call.skill(), k -> new TreeMap<>()).computeIfAbsent(bucket, k -> new long[2]);
                c[0]++;
                if (call.error().isPresent() || failed(turn, call.skill())) {
                    c[1]++;
                }
            }
        }
        List<Sample> out = new ArrayList<>();
        counts.forEach((plugin, buckets) -> buckets.forEach((start, c) -> out.add(new Sample(plugin, start, c[0], c[1]))));
        return out;
    }

    private static boolean failed(TurnRecord turn, String skill) {
        for (Failure f : turn.failures()) {
            if (f.plugin().isEmpty() || f.plugin().get().equals(skill)) {
                return true;
            }
        }
        return false;
    }
}
