package dev.chrysalis.directory;

import java.util.List;

/** The directory would not install, upgrade or remove a bundle; {@link #reason()} says which check refused it. */
public class InstallRefusedException extends DirectoryException {
    /** Which check refused. */
    public enum Reason {
        NOT_FOUND, ALREADY_INSTALLED, NOT_INSTALLED, HASH_MISMATCH, BAD_SIGNATURE, UNKNOWN_KEY, MANIFEST_MISMATCH,
        DOWNGRADE, UNRESOLVED, DEPENDENTS, CAPABILITY, TRIAL_FAILED, UNREADABLE
    }

    private final Reason reason;
    private final List<String> details;

    public InstallRefusedException(Reason reason, String message, List<String> details) {
        super(message + (details.isEmpty() ? "" : ":\n  " + String.join("\n  ", details)));
        this.reason = reason;
        this.details = List.copyOf(details);
    }

    public InstallRefusedException(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public Reason reason() {
        return reason;
    }

    public List<String> details() {
        return details;
    }
}
