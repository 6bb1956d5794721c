package dev.chrysalis.governance.approval;

/** An approval or rejection that is not allowed (self-approval, wrong role, changed artifact, ...); the message says which. */
public class ApprovalRefusedException extends RuntimeException {
    public ApprovalRefusedException(String message) {
        super(message);
    }
}
