package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.pipeline.EvolutionResult;
import dev.chrysalis.evolution.pipeline.EvolutionSettings;
import dev.chrysalis.evolution.pipeline.Journal;
import dev.chrysalis.evolution.pipeline.MutatorConfig;
import dev.chrysalis.evolution.pipeline.Stage;
import dev.chrysalis.evolution.pipeline.Transition;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.host.shell.HostControl;
import dev.chrysalis.sandbox.trial.TrialOptions;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * {@code evolve [NAME] [--batch ID]}: curate the host's failure evidence into batches, run the evolution loop on
 * each batch that is new or was interrupted (or on the one named), print every stage and candidate as it happens,
 * and hand a passing candidate to governance as a submission. Nothing is swapped live: that waits for approval.
 */
public final class Evolve {
    private Evolve() {
    }

    /**
     * @param plugin  only this workspace plugin's evidence (e.g. {@code calculator}, {@code router-default})
     * @param batch   run (or resume) this stored batch instead of sealing new evidence
     * @param budget  the most candidates per batch
     * @param time    the most wall time per batch
     * @param coderModel   also ask the LLM coder on this model (other coder settings from {@code evolution.properties})
     * @param coderCommand also ask this external coding agent (a JSON array or words; {@code {prompt}} = the prompt file)
     */
    public record Options(Optional<String> plugin, Optional<String> batch, int budget, Duration time, Optional<Path> coderModel,
                          Optional<String> coderCommand) {
        public Options {
            if (budget < 1) {
                throw new EvolveException("--budget must be at least 1 candidate, got " + budget);
            }
            if (time.isNegative() || time.isZero()) {
                throw new EvolveException("--time must be a positive number of seconds, got " + time.toSeconds());
            }
        }

        /** The mutators of {@code <data dir>/evolution.properties} (the AST operators alone without one). */
        public Options(Optional<String> plugin, Optional<String> batch, int budget, Duration time) {
            this(plugin, batch, budget, time, Optional.empty(), Optional.empty());
        }

        public static Options defaults() {
            EvolutionSettings d = EvolutionSettings.defaults();
            return new Options(Optional.empty(), Optional.empty(), d.candidatesPerBatch(), d.wallTime());
        }

        public Options forPlugin(String name) {
            return new Options(Optional.of(name), batch, budget, time, coderModel, coderCommand);
        }
    }

    /** One batch's run: the result and, for a winner, the governance submission it became. */
    public record BatchRun(Batch batch, EvolutionResult result, Optional<Submission> submission) {
    }

    /** Runs evolve on a started host (its evidence store and live plugins); prints the live view to {@code out}. */
    public static List<BatchRun> run(HostControl host, EvolutionSetup setup, Options options, PrintWriter out, Clock clock) {
        return run(host, setup, options, out, clock, () -> false);
    }

    /**
     * As {@link #run(HostControl, EvolutionSetup, Options, PrintWriter, Clock)}; once {@code stop} says so (Ctrl-C), the
     * running batch ends at its next transition, journaled, and no further batch starts.
     */
    public static List<BatchRun> run(HostControl host, EvolutionSetup setup, Options options, PrintWriter out, Clock clock,
                                     BooleanSupplier stop) {
        MutatorConfig mutators = mutators(setup.dataDir(), options);
        try (EvolutionEngine engine = EvolutionEngine.open(setup, clock)) {
            if (engine.created()) {
                out.println("created the evolution workspace " + engine.workspace().root() + " from the sources under " + setup.sources()
                        + " (" + engine.workspace().plugins().size() + " plugins on main)");
            }
            List<String> known = engine.workspace().plugins().stream().map(PluginSource::name).toList();
            options.plugin().filter(p -> !known.contains(p)).ifPresent(p -> {
                throw new EvolveException("no evolvable plugin named '" + p + "'; the workspace holds: " + String.join(", ", known));
            });
            BatchBook book = BatchBook.open(setup.home());
            EvidenceBatches curation = new EvidenceBatches(engine.workspace(), host.evidence(), book, clock);
            Journal journal = engine.journal();
            List<BatchBook.StoredBatch> toRun = new ArrayList<>();
            if (options.batch().isPresent()) {
                String id = options.batch().get();
                BatchBook.StoredBatch b = book.find(id).orElseThrow(() -> new EvolveException("no batch '" + id + "'"
                        + (book.all().isEmpty() ? "; no batch has been sealed yet (run 'evolve' without --batch first)"
                        : "; batches: " + String.join(", ", book.all().stream().map(BatchBook.StoredBatch::id).toList()))));
                options.plugin().filter(p -> !p.equals(b.plugin())).ifPresent(p -> {
                    throw new EvolveException("batch " + id + " is about " + b.plugin() + ", not " + p);
                });
                toRun.add(b);
            } else {
                EvidenceBatches.Sealing sealing = curation.sealNew(options.plugin());
                sealing.skipped().forEach(s -> out.println("skipped: " + s));
                for (BatchBook.StoredBatch b : sealing.sealed()) {
                    out.println("sealed batch " + b.id() + ": " + b.evidenceIds().size() + " evidence turn(s) "
                            + b.evidenceIds().stream().map(i -> "#" + i).toList() + " blaming " + b.plugin());
                }
                for (BatchBook.StoredBatch b : book.all()) {
                    if (options.plugin().map(p -> p.equals(b.plugin())).orElse(true) && unfinished(journal.of(b.id()))) {
                        toRun.add(b);
                    }
                }
            }
            if (toRun.isEmpty()) {
                out.println("nothing to evolve: no new evidence" + options.plugin().map(p -> " for " + p).orElse("")
                        + " and no interrupted batch (see 'chrysalis evidence list'; '--batch ID' runs a batch again)");
                return List.of();
            }
            if (!mutators.order().equals(List.of("ast"))) {
                out.println("mutators, in the order asked: " + String.join(", ", mutators.order()));
            }
            try (MutatorConfig.Opened opened = open(mutators)) {
                EvolutionSettings settings = new EvolutionSettings(options.budget(), options.time(), TrialOptions.defaults(), true)
                        .withMutators(opened.mutators());
                List<BatchRun> runs = new ArrayList<>();
                for (BatchBook.StoredBatch stored : toRun) {
                    runs.add(runBatch(host, engine, curation.rebuild(stored), settings, out, stop));
                    if (stop.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                        out.println("stopped; run 'evolve' again to resume");
                        break;
                    }
                }
                return runs;
            }
        }
    }

    /** The mutators of {@code <data dir>/evolution.properties} with the command line's coder model and command on top. */
    static MutatorConfig mutators(Path dataDir, Options options) {
        try {
            MutatorConfig config = MutatorConfig.read(dataDir);
            if (options.coderModel().isPresent()) {
                Path model = options.coderModel().get().toAbsolutePath();
                if (!Files.isRegularFile(model)) {
                    throw new EvolveException("--coder-model " + model + ": no such file");
                }
                config = config.withCoderModel(model);
            }
            if (options.coderCommand().isPresent()) {
                config = config.withAgentCommand(MutatorConfig.command(options.coderCommand().get()));
            }
            return config;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new EvolveException(e.getMessage(), e);
        }
    }

    private static MutatorConfig.Opened open(MutatorConfig config) {
        try {
            return config.open();
        } catch (RuntimeException e) {
            throw new EvolveException("the evolution mutators cannot start: " + e.getMessage(), e);
        }
    }

    /** A batch that never ran, or whose last run was interrupted or failed, is picked up again by a plain evolve. */
    static boolean unfinished(List<Transition> journal) {
        if (journal.isEmpty()) {
            return true;
        }
        Transition last = journal.getLast();
        return !last.to().terminal() || last.to() == Stage.FAILED
                || (last.to() == Stage.ABANDONED && last.detail().equals("interrupted"));
    }

    /**
     * The live view, which also ends the run once {@code stop} says so: it throws {@link StopRequested} (once) after the
     * loop journaled a live stage other than Verdict (a passing verdict is still handed over), and the loop then
     * journals the run's end (a backstop for an interrupt that a stage swallowed).
     */
    static Consumer<Transition> stoppable(Consumer<Transition> view, BooleanSupplier stop) {
        AtomicBoolean thrown = new AtomicBoolean();
        return t -> {
            view.accept(t);
            if (!t.to().terminal() && t.to() != Stage.VERDICT && stop.getAsBoolean() && thrown.compareAndSet(false, true)) {
                throw new StopRequested();
            }
        };
    }

    private static BatchRun runBatch(HostControl host, EvolutionEngine engine, Batch batch, EvolutionSettings settings, PrintWriter out,
                                     BooleanSupplier stop) {
        PluginSource plugin = engine.workspace().plugin(batch.plugin());
        List<Transition> before = engine.journal().of(batch.id());
        out.println("evolving batch " + batch.id() + " (" + plugin.kind() + " " + plugin.name() + "): " + batch.evidenceCases().size()
                + " evidence case(s), " + batch.regression().size() + " regression case(s); budget " + settings.candidatesPerBatch()
                + " candidates, " + settings.wallTime().toSeconds() + " s"
                + (before.isEmpty() ? "" : "; resuming after attempt " + before.getLast().attempt()));
        out.flush();
        EvolutionResult result = engine.loop(settings, stoppable(new LiveView(out), stop)).evolve(batch);
        String took = String.format(Locale.ROOT, "%.1f s", result.elapsed().toMillis() / 1000.0);
        Optional<Submission> submission = Optional.empty();
        switch (result) {
            case EvolutionResult.HandedToGovernance h -> {
                out.println("batch " + batch.id() + ": candidate " + h.winner().branch() + " passed its trial in " + took + " ("
                        + h.winner().mutation() + ")");
                try (Governance governance = Governance.open(engine.setup().dataDir(), PolicyReader.defaults(), Clock.systemUTC())) {
                    Submission s = GovernanceHandoff.propose(governance, h, batch, plugin,
                            GovernanceHandoff.liveJar(host.plugins(), plugin));
                    submission = Optional.of(s);
                    out.println("handed to governance: submission #" + s.id() + " " + s.plugin() + " sha256:" + s.digest()
                            + " is " + s.status().id() + " (policy: " + s.decisionKind() + "; risk " + s.risk() + ")");
                    out.println("nothing is live yet: approve it in the governance web UI ('chrysalis serve', then /governance/);"
                            + " 'chrysalis candidates show " + batch.id() + "/" + h.winner().n() + "' shows it");
                }
            }
            case EvolutionResult.Abandoned a -> out.println("batch " + batch.id() + ": no candidate passed (" + a.reason() + ") after "
                    + a.candidates().size() + " candidate(s) in " + took);
            case EvolutionResult.Failed f -> out.println("batch " + batch.id() + " failed after " + took + ": " + f.reason());
        }
        out.flush();
        return new BatchRun(batch, result, submission);
    }
}
