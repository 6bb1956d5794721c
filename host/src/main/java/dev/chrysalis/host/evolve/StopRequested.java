package dev.chrysalis.host.evolve;

/**
 * Thrown from the live view into the loop when the user stopped the run (Ctrl-C): the loop journals the run as
 * failed with this message, so the journal ends cleanly and the next {@code evolve} resumes the batch.
 */
public final class StopRequested extends RuntimeException {
    public StopRequested() {
        super("stopped by the user; the next 'evolve' resumes this batch after its candidates");
    }
}
