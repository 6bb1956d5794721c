package dev.chrysalis.governance.promotion;

import java.util.Objects;
import java.util.Optional;

/**
 * What the host saw on one call.
 *
 * @param sessionId the session the call belongs to (for the session-risk signal)
 * @param servedBy  the digest whose answer the caller got
 * @param failed    the answer was an error (exception, timeout, failed check)
 * @param evidence  the turn became evidence (a grader or the user flagged it)
 * @param risk      extra risk the host saw on this call, 0 for none (a guard denial, a refused capability, ...)
 * @param shadow    for a shadow call: how the candidate's copy went
 */
public record CallObservation(String sessionId, String servedBy, boolean failed, boolean evidence, double risk,
                              Optional<ShadowResult> shadow) {
    public CallObservation {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(servedBy, "servedBy");
        Objects.requireNonNull(shadow, "shadow");
        if (risk < 0 || Double.isNaN(risk)) {
            throw new IllegalArgumentException("risk must be >= 0, got " + risk);
        }
    }

    /** @param candidateFailed the candidate's copy errored; @param sameAnswer its answer equals the live one */
    public record ShadowResult(boolean candidateFailed, boolean sameAnswer) {
    }

    public static CallObservation ok(String sessionId, String servedBy) {
        return new CallObservation(sessionId, servedBy, false, false, 0, Optional.empty());
    }

    public static CallObservation error(String sessionId, String servedBy) {
        return new CallObservation(sessionId, servedBy, true, false, 0, Optional.empty());
    }
}
