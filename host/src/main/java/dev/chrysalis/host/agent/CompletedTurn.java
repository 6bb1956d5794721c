package dev.chrysalis.host.agent;

import dev.chrysalis.sandbox.turn.TurnFailure;
import dev.chrysalis.sandbox.turn.ServedBy;
import dev.chrysalis.spi.hook.TurnData;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A finished turn, as it is handed to the {@link TurnRecorder}.
 *
 * @param turn      the turn after every afterTurn hook (what gets stored: redacted, with tool calls and answer)
 * @param brain     the name of the brain that decided it
 * @param servedBy  every plugin service used, in order of use, with its jar's SHA-256
 * @param failures  what went wrong; empty for a good turn
 */
public record CompletedTurn(String sessionId, int turnIndex, Instant started, Instant finished, String brain,
                            TurnData turn, List<ServedBy> servedBy, List<TurnFailure> failures) {
    public CompletedTurn {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(brain, "brain");
        Objects.requireNonNull(turn, "turn");
        servedBy = List.copyOf(servedBy);
        failures = List.copyOf(failures);
    }

    public String answer() {
        return turn.answer();
    }

    public boolean failed() {
        return !failures.isEmpty();
    }

    /** Plugin symbolic name -> SHA-256 of the jar that served this turn. */
    public Map<String, String> bundleDigests() {
        Map<String, String> digests = new TreeMap<>();
        servedBy.forEach(s -> digests.put(s.plugin(), s.digest()));
        return digests;
    }
}
