package dev.chrysalis.evolution.support;

import dev.chrysalis.evolution.bench.SeededBugBench;
import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.pipeline.EvolutionSettings;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.TrialRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The seeded-bug benchmark over this build's sources, its sandbox workers (one kept warm) under {@code temp/workers}. */
public final class SeededBenches {
    private SeededBenches() {
    }

    public interface WithBench {
        void run(SeededBugBench bench) throws Exception;
    }

    public static void withBench(Path temp, EvolutionSettings settings, WithBench body) throws Exception {
        Files.createDirectories(temp.resolve("workers"));
        WorkerSettings ws = new WorkerSettings(128, 16, 256 * 1024, 512 * 1024, 1, Duration.ofSeconds(30), true, temp.resolve("workers"));
        try (WorkerPool pool = new WorkerPool(SandboxLayout.fromBuildDirectory(Build.sandboxBuild()), ws)) {
            PluginCompiler compiler = new PluginCompiler(Build.compileClasspath());
            body.run(new SeededBugBench(Build.projectRoot(), compiler, new BundlePackager(compiler.classpath()), new TrialRunner(pool), settings));
        }
    }
}
