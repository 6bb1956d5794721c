package dev.chrysalis.evolution.workspace;

/** The workspace repository could not be read or written; the message names the repository and the step. */
public final class WorkspaceException extends RuntimeException {
    public WorkspaceException(String message, Throwable cause) {
        super(message, cause);
    }

    public WorkspaceException(String message) {
        super(message);
    }
}
