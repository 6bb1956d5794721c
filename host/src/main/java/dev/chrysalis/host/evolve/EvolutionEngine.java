package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.pipeline.EvolutionLoop;
import dev.chrysalis.evolution.pipeline.EvolutionSettings;
import dev.chrysalis.evolution.pipeline.Journal;
import dev.chrysalis.evolution.pipeline.Transition;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.trial.TrialRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The evolution machinery of one data directory: the workspace repository (created from the shipped sources on
 * first use), the in-memory compiler, the bundle packager and a pool of sandboxed trial workers. Closing it stops
 * the workers and closes the repository.
 */
public final class EvolutionEngine implements AutoCloseable {
    private final EvolutionSetup setup;
    private final Workspace workspace;
    private final PluginCompiler compiler;
    private final BundlePackager packager;
    private final WorkerPool pool;
    private final TrialRunner trials;
    private final Clock clock;
    private final boolean created;

    private EvolutionEngine(EvolutionSetup setup, Workspace workspace, WorkerPool pool, Clock clock, boolean created) {
        this.setup = setup;
        this.workspace = workspace;
        this.compiler = new PluginCompiler(setup.compileClasspath());
        this.packager = new BundlePackager(setup.compileClasspath());
        this.pool = pool;
        this.trials = new TrialRunner(pool);
        this.clock = clock;
        this.created = created;
    }

    /** Opens (or, the first time, creates from {@link EvolutionSetup#sources()}) the workspace and starts the trial workers. */
    public static EvolutionEngine open(EvolutionSetup setup, Clock clock) {
        boolean create = !setup.workspaceExists();
        if (create) {
            setup.requireSources();
        }
        try {
            Files.createDirectories(setup.home().resolve("workers"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + setup.home() + ": " + e.getMessage(), e);
        }
        Workspace ws = Workspace.openOrCreate(setup.home(), setup.sources(), clock);
        WorkerPool pool;
        try {
            pool = new WorkerPool(SandboxLayout.fromBuildDirectory(setup.sandboxRuntime()),
                    WorkerSettings.defaults(setup.home().resolve("workers")));
        } catch (IOException e) {
            ws.close();
            throw new UncheckedIOException("cannot start the sandbox trial workers from " + setup.sandboxRuntime() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ws.close();
            throw e;
        }
        return new EvolutionEngine(setup, ws, pool, clock, create);
    }

    /** Whether this open created the workspace from the shipped sources. */
    public boolean created() {
        return created;
    }

    public EvolutionSetup setup() {
        return setup;
    }

    public Workspace workspace() {
        return workspace;
    }

    public PluginCompiler compiler() {
        return compiler;
    }

    public BundlePackager packager() {
        return packager;
    }

    public TrialRunner trials() {
        return trials;
    }

    public Journal journal() {
        return journal(setup);
    }

    /** The journal of a data directory's evolution, readable without starting anything. */
    public static Journal journal(EvolutionSetup setup) {
        return new Journal(setup.home().resolve("evolution/journal.jsonl"));
    }

    public EvolutionLoop loop(EvolutionSettings settings, Consumer<Transition> listener) {
        return new EvolutionLoop(workspace, compiler, packager, trials, settings, setup.home(), clock, listener);
    }

    @Override
    public void close() {
        try {
            pool.close();
        } finally {
            workspace.close();
        }
    }
}
