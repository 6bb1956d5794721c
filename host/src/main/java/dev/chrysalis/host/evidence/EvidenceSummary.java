package dev.chrysalis.host.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the evidence list: a turn with failures. The evidence id is the turn id.
 *
 * @param plugin the plugin named by the newest failure that names one (the likely culprit)
 */
public record EvidenceSummary(long turnId, String sessionId, int turnIndex, Instant finished, String userMessage,
                              String answer, List<FailureKind> kinds, Optional<String> plugin, String firstMessage) {
    public EvidenceSummary {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(answer, "answer");
        kinds = List.copyOf(kinds);
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(firstMessage, "firstMessage");
    }
}
