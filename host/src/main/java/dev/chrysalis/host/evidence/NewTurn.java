package dev.chrysalis.host.evidence;

import dev.chrysalis.spi.hook.ToolCall;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A finished turn to store: everything the agent knows about it. Stored in one transaction with its tool
 * calls, the digests of the bundles that served it and its failures.
 *
 * @param turnIndex  position in the session, from 0; unique per session
 * @param brain      the brain that decided the turn (e.g. {@code default})
 * @param attributes notes of hooks and the brain (e.g. {@code route.reason})
 */
public record NewTurn(String sessionId, int turnIndex, Instant started, Instant finished, String brain,
                      String userMessage, String answer, Map<String, String> attributes, List<ToolCall> toolCalls,
                      List<BundleDigest> bundles, List<FailureReport> failures) {
    public NewTurn {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(brain, "brain");
        Objects.requireNonNull(userMessage, "userMessage");
        Objects.requireNonNull(answer, "answer");
        if (sessionId.isBlank()) {
            throw new IllegalArgumentException("turn session id must not be blank");
        }
        if (turnIndex < 0) {
            throw new IllegalArgumentException("session '" + sessionId + "': turn index must be >= 0, got " + turnIndex);
        }
        attributes = Map.copyOf(attributes);
        toolCalls = List.copyOf(toolCalls);
        bundles = List.copyOf(bundles);
        failures = List.copyOf(failures);
    }
}
