package dev.chrysalis.host.evidence;

/** A turn (evidence) id that the store does not hold. */
public class UnknownTurnException extends EvidenceStoreException {
    private final long turnId;

    public UnknownTurnException(long turnId) {
        super("no turn with id " + turnId + " in the evidence store");
        this.turnId = turnId;
    }

    public long turnId() {
        return turnId;
    }
}
