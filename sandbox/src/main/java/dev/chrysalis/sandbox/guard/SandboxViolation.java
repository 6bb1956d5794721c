package dev.chrysalis.sandbox.guard;

/**
 * Thrown into sandboxed code when the guard denies a call. Catching it does not hide the attempt: the
 * guard has already reported the {@link Violation} to the worker, which tells the parent.
 */
public final class SandboxViolation extends SecurityException {
    private static final long serialVersionUID = 1L;

    private final transient Violation violation;

    public SandboxViolation(Violation violation) {
        super(violation.describe());
        this.violation = violation;
    }

    public Violation violation() {
        return violation;
    }
}
