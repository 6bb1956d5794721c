package dev.chrysalis.governance.promotion;

/**
 * The gate values of the current stage, as shown on the promotion status page.
 *
 * @param calls         calls judged in this stage
 * @param errorRate     share that failed
 * @param evidenceRate  share that became evidence
 * @param mismatchRate  shadow stage: share whose candidate answer differed from the live one
 * @param maxSessionRisk highest session risk
 */
public record GateReadings(int calls, double errorRate, double evidenceRate, double mismatchRate, double maxSessionRisk) {
    public static final GateReadings NONE = new GateReadings(0, 0, 0, 0, 0);

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "calls=%d errorRate=%.3f evidenceRate=%.3f mismatchRate=%.3f maxSessionRisk=%.2f",
                calls, errorRate, evidenceRate, mismatchRate, maxSessionRisk);
    }
}
