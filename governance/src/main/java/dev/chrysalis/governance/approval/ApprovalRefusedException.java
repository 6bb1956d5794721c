package dev.chrysalis.governance.approval;

/** An approval or rejection that is not allowed (self-approval, wrong role, changed artifact, ...); the message says which. */
public class ApprovalRefusedException extends RuntimeException {
    /** Whether the actor may never do this ({@code NOT_ALLOWED}) or the candidate is not in a state for it ({@code STALE}). */
    public enum Kind { NOT_ALLOWED, STALE }

    private final Kind kind;

    public ApprovalRefusedException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ApprovalRefusedException(String message) {
        this(Kind.STALE, message);
    }

    public Kind kind() {
        return kind;
    }
}
