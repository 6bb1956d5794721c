package dev.chrysalis.host.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A stored turn with everything recorded about it. */
public record TurnRecord(long id, String sessionId, int turnIndex, Instant started, Instant finished, String brain,
                         String userMessage, String answer, Map<String, String> attributes,
                         List<RecordedToolCall> toolCalls, List<BundleDigest> bundles, List<Failure> failures) {
    public TurnRecord {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(brain, "brain");
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(answer, "answer");
        attributes = Map.copyOf(attributes);
        toolCalls = List.copyOf(toolCalls);
        bundles = List.copyOf(bundles);
        failures = List.copyOf(failures);
    }

    /** Whether the turn is evidence: something failed or a person flagged it. */
    public boolean isEvidence() {
        return !failures.isEmpty();
    }
}
