package dev.chrysalis.sandbox.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.sandbox.support.SandboxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a pool while its warm workers still boot: their processes exist already, so close must wait for them and
 * end them. Before, a start in flight was "cancelled" (which does not stop a running task) and its child JVM lived
 * on, writing into the pool's folder after close returned (the host's shell test failed deleting its data folder).
 */
class WorkerPoolCloseTest {
    @TempDir
    Path dir;

    @Test
    void closingWhileWarmWorkersBootLeavesNoProcessAndNoFolder() throws Exception {
        Path root = dir.resolve("workers");
        WorkerPool pool = SandboxFixture.pool(root, 2);
        Thread.sleep(150); // both starts are running: their child JVMs are booting
        pool.close();
        assertEquals(List.of(), workersOf(root), "no worker of the pool runs after close");
        Thread.sleep(1500); // a start that escaped close would have made its process and folder by now
        assertEquals(List.of(), workersOf(root), "no worker of the pool starts after close");
        try (Stream<Path> left = Files.list(root)) {
            assertEquals(List.of(), left.toList(), "every worker folder is deleted");
        }
        assertTrue(pool.workersStarted() <= 2);
    }

    private static List<Long> workersOf(Path root) {
        String marker = root.toString();
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> Arrays.stream(a).anyMatch(x -> x.startsWith(marker))).orElse(false))
                .map(ProcessHandle::pid)
                .toList();
    }
}
