package dev.chrysalis.sandbox.support;

import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import java.nio.file.Files;
import java.nio.file.Path;

/** A real worker pool for tests, in a temporary directory, with small limits so breaches come fast. */
public final class SandboxFixture {
    private SandboxFixture() {
    }

    public static WorkerPool pool(Path workRoot, int warm) throws Exception {
        Files.createDirectories(workRoot);
        WorkerSettings settings = new WorkerSettings(128, 16, 256 * 1024, 512 * 1024, warm,
                java.time.Duration.ofSeconds(30), true, workRoot);
        return new WorkerPool(SandboxLayout.fromSystemProperties(), settings);
    }
}
