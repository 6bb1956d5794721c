package dev.chrysalis.sandbox.pool;

/** A worker process that could not be started or did not report ready; the message carries its stderr. */
public class WorkerStartException extends Exception {
    public WorkerStartException(String message) {
        super(message);
    }

    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
