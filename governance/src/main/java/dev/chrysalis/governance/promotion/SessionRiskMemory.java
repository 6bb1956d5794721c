package dev.chrysalis.governance.promotion;

import java.util.HashMap;
import java.util.Map;

/**
 * A per-session risk signal in the spirit of Session Risk Memory: each session carries a decaying sum of the
 * risk its calls showed (errors, evidence, host-reported risk), so a session that keeps going wrong stands
 * out even when the overall rates look fine.
 */
public final class SessionRiskMemory {
    public static final double ERROR_WEIGHT = 1.0;
    public static final double EVIDENCE_WEIGHT = 1.0;

    private final double decay;
    private final Map<String, Double> risk = new HashMap<>();
    private double max;
    private String riskiest = "";

    public SessionRiskMemory(double decay) {
        this.decay = decay;
    }

    public void record(CallObservation o) {
        double signal = o.risk() + (o.failed() ? ERROR_WEIGHT : 0) + (o.evidence() ? EVIDENCE_WEIGHT : 0);
        double value = risk.getOrDefault(o.sessionId(), 0.0) * decay + signal;
        risk.put(o.sessionId(), value);
        if (value > max) {
            max = value;
            riskiest = o.sessionId();
        }
    }

    /** The highest risk any session reached in this stage. */
    public double max() {
        return max;
    }

    public String riskiestSession() {
        return riskiest;
    }
}
