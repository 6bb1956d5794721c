package dev.chrysalis.governance.promotion;

import java.time.Duration;

/**
 * How a promotion proceeds and when it fails.
 *
 * @param shadowCalls        shadow comparisons needed before the canary
 * @param maxShadowMismatch  largest share of shadow calls whose answer may differ from the live one
 * @param canaryPercent      share of calls (0-100) the candidate answers during the canary
 * @param canaryCalls        candidate-answered calls needed before the full swap
 * @param probationCalls     calls needed in probation before the promotion is final
 * @param probationTime      and the least time probation lasts
 * @param minCallsForGate    rates are judged only after this many calls in a stage
 * @param maxErrorRate       largest share of failed calls
 * @param maxEvidenceRate    largest share of calls that became evidence
 * @param maxSessionRisk     largest accumulated risk of any one session (see {@link SessionRiskMemory})
 * @param riskDecay          how much of a session's risk carries over to its next call (0..1)
 */
public record PromotionPlan(int shadowCalls, double maxShadowMismatch, int canaryPercent, int canaryCalls,
                            int probationCalls, Duration probationTime, int minCallsForGate, double maxErrorRate,
                            double maxEvidenceRate, double maxSessionRisk, double riskDecay) {
    public PromotionPlan {
        if (shadowCalls < 0 || canaryCalls < 0 || probationCalls < 0 || minCallsForGate < 1) {
            throw new IllegalArgumentException("call counts must be >= 0 (minCallsForGate >= 1)");
        }
        if (canaryPercent < 1 || canaryPercent > 100) {
            throw new IllegalArgumentException("canaryPercent must be 1..100, got " + canaryPercent);
        }
        for (double rate : new double[] {maxShadowMismatch, maxErrorRate, maxEvidenceRate, riskDecay}) {
            if (rate < 0 || rate > 1 || Double.isNaN(rate)) {
                throw new IllegalArgumentException("rates must be within 0..1, got " + rate);
            }
        }
        if (maxSessionRisk <= 0) {
            throw new IllegalArgumentException("maxSessionRisk must be > 0, got " + maxSessionRisk);
        }
        if (probationTime.isNegative()) {
            throw new IllegalArgumentException("probationTime must not be negative: " + probationTime);
        }
    }

    /** A sensible default: 20 shadow calls, 10% canary for 20 calls, 50 probation calls over at least 10 minutes. */
    public static PromotionPlan standard() {
        return new PromotionPlan(20, 0.2, 10, 20, 50, Duration.ofMinutes(10), 10, 0.1, 0.1, 3.0, 0.8);
    }
}
