package dev.chrysalis.sandbox.pool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.sandbox.guard.Violation;
import java.time.Duration;

/** How a request to a worker ended. Anything but {@link Answer} has ended the worker. */
public sealed interface WorkerReply {

    /** The worker answered (a {@code result}, {@code loaded} or {@code load-failed} message). */
    record Answer(JsonNode message, Duration elapsed) implements WorkerReply {
    }

    /** The guard or the worker reported a breach; the worker has been killed. */
    record Violated(Violation violation) implements WorkerReply {
    }

    /** The request ran past its wall-clock or CPU limit; the worker has been killed. */
    record TimedOut(Limit limit, Duration allowed) implements WorkerReply {
    }

    /** The worker process ended by itself (crash, out of memory). */
    record Died(int exitCode, boolean outOfMemory, String stderrTail) implements WorkerReply {
    }

    enum Limit {
        WALL_CLOCK, CPU
    }
}
