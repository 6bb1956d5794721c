package dev.chrysalis.governance.promotion;

/** The per-call contract between the host and a promotion in progress. Thread-safe. */
public interface CallRouting {

    /**
     * Where this call of the plugin goes. The same {@code callId} always gets the same answer within a stage,
     * so a canary's share of calls is deterministic (replays and tests route alike).
     *
     * @param sessionId the session the call belongs to
     * @param callId    identifies the call (e.g. the plugin's call sequence number)
     */
    Route route(String sessionId, String callId);

    /** What happened on a call routed by {@link #route}. */
    void observe(CallObservation observation);
}
