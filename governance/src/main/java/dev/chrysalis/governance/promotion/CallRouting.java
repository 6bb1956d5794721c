package dev.chrysalis.governance.promotion;

/** The per-call contract between the host and a promotion in progress. Thread-safe. */
public interface CallRouting {

    /** Where this call of the plugin goes. */
    Route route(String sessionId);

    /** What happened on a call routed by {@link #route}. */
    void observe(CallObservation observation);
}
