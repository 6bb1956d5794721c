package dev.chrysalis.host.cli;

import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.host.evolve.CandidateCatalog;
import dev.chrysalis.host.evolve.EvolutionBench;
import dev.chrysalis.host.evolve.EvolutionDemo;
import dev.chrysalis.host.evolve.EvolutionSetup;
import dev.chrysalis.host.evolve.Evolve;
import dev.chrysalis.host.evolve.EvolveException;
import dev.chrysalis.host.shell.HostControl;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The evolution commands: {@code evolve}, {@code candidates list|show|diff}, {@code demo evolution}, {@code bench evolution}. */
final class EvolutionCommands {
    private EvolutionCommands() {
    }

    static EvolutionSetup setup(ChrysalisCli cli, Path sources) {
        return EvolutionSetup.resolve(cli.dataDir(), cli.bundlesDir(), Optional.ofNullable(sources));
    }

    /**
     * Runs {@code work} so that Ctrl-C (or a plain kill) ends it cleanly instead of killing it mid-write: the shutdown
     * hook interrupts this thread (a mutator cancels its generation; the loop abandons the run before its next
     * candidate), raises the stop flag {@code work} is given (for when a stage swallowed the interrupt: the run then ends
     * at its next transition) and waits, up to 30 s, until {@code work} has returned. Either way the journal says so.
     */
    static <T> T stoppable(java.util.function.Function<java.util.function.BooleanSupplier, T> work) {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread worker = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            worker.interrupt();
            try {
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chrysalis-evolve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.apply(stop::get);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the work is done
            }
        }
    }

    @Command(name = "evolve", description = "Curate failure evidence into batches and run the evolution loop on them (AST repair"
            + " operators, and an LLM coder or external agent when configured; compile, package, sandbox trial); a passing"
            + " candidate becomes a pending governance submission."
            + " An interrupted run resumes on the next evolve.")
    static final class EvolveCommand implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Parameters(arity = "0..1", paramLabel = "NAME", description = "only this plugin's evidence (e.g. calculator, router-default)")
        String plugin;

        @Option(names = "--batch", paramLabel = "ID", description = "run (or resume) this sealed batch, e.g. calculator-1")
        String batch;

        @Option(names = "--budget", paramLabel = "N", defaultValue = "60", description = "most candidates per batch (default ${DEFAULT-VALUE})")
        int budget;

        @Option(names = "--time", paramLabel = "S", defaultValue = "600", description = "most seconds per batch (default ${DEFAULT-VALUE})")
        long seconds;

        @Option(names = "--sources", paramLabel = "DIR", description = "project root with skills/ and plugins/harness/ (default: the working directory)")
        Path sources;

        @Option(names = "--coder-model", paramLabel = "M.gguf", description = "also ask an LLM coder on this model, before the AST"
                + " operators (sampling, seed and budget from <data dir>/evolution.properties)")
        Path coderModel;

        @Option(names = "--coder-command", paramLabel = "CMD", description = "also ask this external coding agent, run in a scratch"
                + " copy of the plugin with a scrubbed environment: a JSON array or words; {prompt} is the prompt file")
        String coderCommand;

        @Override
        public Integer call() {
            Evolve.Options options = new Evolve.Options(Optional.ofNullable(plugin), Optional.ofNullable(batch), budget,
                    Duration.ofSeconds(seconds), Optional.ofNullable(coderModel), Optional.ofNullable(coderCommand));
            EvolutionSetup setup = setup(cli, sources);
            List<Evolve.BatchRun> runs = stoppable(stop -> {
                try (HostControl host = cli.openHost()) {
                    return Evolve.run(host, setup, options, cli.out, Clock.systemUTC(), stop);
                }
            });
            boolean allHanded = runs.stream().allMatch(r -> r.submission().isPresent());
            return allHanded ? 0 : 1;
        }
    }

    @Command(name = "candidates", description = "Evolution candidates: list | show ID | diff ID (ID: <batch>/<n>, e.g. calculator-1/3).",
            subcommands = {Candidates.ListCandidates.class, Candidates.Show.class, Candidates.Diff.class})
    static final class Candidates implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Override
        public Integer call() {
            return list(cli);
        }

        /** Runs {@code work} on the catalogue with governance's submissions; without any evolution, says so. */
        static int withRows(ChrysalisCli cli, java.util.function.BiFunction<CandidateCatalog, List<CandidateCatalog.Row>, Integer> work) {
            Optional<CandidateCatalog> opened = CandidateCatalog.open(cli.dataDir());
            if (opened.isEmpty()) {
                cli.out.println("no candidates: no evolution has run in " + cli.dataDir() + " (run 'chrysalis evolve')");
                return 0;
            }
            try (CandidateCatalog catalog = opened.get()) {
                Governance governance = null;
                try {
                    governance = Governance.open(cli.dataDir(), PolicyReader.defaults(), Clock.systemUTC());
                } catch (RuntimeException e) {
                    cli.err.println("note: governance status unavailable (" + e.getMessage() + ")");
                }
                try {
                    Governance g = governance;
                    BiFunction<String, String, Optional<Submission>> lookup = (bsn, digest) -> g == null ? Optional.empty()
                            : g.approvals().submission(bsn, digest);
                    return work.apply(catalog, catalog.rows(lookup));
                } finally {
                    if (governance != null) {
                        governance.close();
                    }
                }
            }
        }

        static int list(ChrysalisCli cli) {
            return withRows(cli, (catalog, rows) -> {
                if (rows.isEmpty()) {
                    cli.out.println("no candidates yet");
                    return 0;
                }
                PrintWriter out = cli.out;
                out.printf("%-18s %-28s %-20s %-16s %-16s %s%n", "ID", "BRANCH", "OPERATOR", "VERDICT", "GOVERNANCE", "TRIAL");
                for (CandidateCatalog.Row r : rows) {
                    out.printf("%-18s %-28s %-20s %-16s %-16s %s%n", r.id(), r.branch(), r.operator(), r.verdict(), r.governance(),
                            r.trial().length() > 90 ? r.trial().substring(0, 87) + "..." : r.trial());
                }
                return 0;
            });
        }

        @Command(name = "list", description = "Every candidate: batch, branch, operator, verdict, governance status, trial summary.")
        static final class ListCandidates implements Callable<Integer> {
            @ParentCommand
            Candidates candidates;

            @Override
            public Integer call() {
                return list(candidates.cli);
            }
        }

        /** A subcommand about one candidate. */
        abstract static class OneCandidate implements Callable<Integer> {
            @ParentCommand
            Candidates candidates;

            @Parameters(paramLabel = "ID", description = "<batch>/<n> or evolve/<batch>/<n>")
            String id;
        }

        @Command(name = "show", description = "One candidate: its mutation, bundle digest, trial, verdict, governance decision and journal.")
        static final class Show extends OneCandidate {
            @Override
            public Integer call() {
                PrintWriter out = candidates.cli.out;
                return withRows(candidates.cli, (catalog, rows) -> {
                    CandidateCatalog.Row r = CandidateCatalog.find(rows, id);
                    out.println("candidate  " + r.id() + " (plugin " + r.plugin() + ", batch " + r.batch() + ")");
                    out.println("branch     " + r.branch() + " @ " + r.commitId());
                    out.println("operator   " + r.operator());
                    out.println("mutation   " + r.mutation());
                    out.println("bundle     " + r.digest().map(d -> "sha256:" + d).orElse("(not packaged)"));
                    out.println("verdict    " + r.verdict());
                    out.println("trial      " + r.trial());
                    out.println("governance " + r.submission().map(s -> "submission #" + s.id() + ", " + s.status().id() + " (policy "
                            + s.decisionKind() + "; risk " + s.risk() + ")").orElse("-"));
                    r.submission().ifPresent(s -> s.explanation().forEach(line -> out.println("             " + line)));
                    out.println("journal");
                    r.history().forEach(t -> out.println("  " + t.at() + "  attempt " + t.attempt() + "  " + t.from().label() + " -> "
                            + t.to().label() + ": " + t.detail()));
                    return 0;
                });
            }
        }

        @Command(name = "diff", description = "The unified diff of the candidate's commit against main.")
        static final class Diff extends OneCandidate {
            @Override
            public Integer call() {
                return withRows(candidates.cli, (catalog, rows) -> {
                    candidates.cli.out.print(catalog.diff(CandidateCatalog.find(rows, id)));
                    return 0;
                });
            }
        }
    }

    @Command(name = "demo", description = "Scripted demonstrations: 'demo evolution [--auto-approve]'.")
    static final class Demo implements Callable<Integer> {
        @ParentCommand
        ChrysalisCli cli;

        @Parameters(index = "0", paramLabel = "WHICH", description = "evolution")
        String which;

        @Option(names = "--auto-approve", description = "approve as a separate demo approver, hot-swap the fix and ask again")
        boolean autoApprove;

        @Option(names = "--sources", paramLabel = "DIR", description = "project root holding examples/price-tax (default: the working directory)")
        Path sources;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!which.equals("evolution")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown demo '" + which + "': the demo is 'demo evolution'");
            }
            EvolutionSetup setup = setup(cli, sources);
            Path work = Files.createTempDirectory("chrysalis-demo-evolution-");
            cli.out.println("demo evolution in " + work + " (a fresh data directory; your own data is not touched)");
            EvolutionDemo.Outcome outcome = EvolutionDemo.run(setup, cli.bundlesDir(), work, autoApprove, cli.out, Clock.systemUTC());
            if (autoApprove) {
                cli.out.println("demo done; its data is in " + outcome.dataDir() + " ('chrysalis --data-dir " + outcome.dataDir()
                        + " candidates list' shows the candidates, 'audit log' the approval)");
                return outcome.fixedAnswer().filter(a -> a.contains("10% off")).isPresent() ? 0 : 1;
            }
            return 0;
        }
    }

    /** {@code bench evolution [--runs N] [--bug NAME]...}. */
    static int bench(ChrysalisCli cli, List<String> words) {
        int runs = 3;
        Path sources = null;
        List<String> only = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (i + 1 >= words.size() && (w.equals("--runs") || w.equals("--bug") || w.equals("--sources"))) {
                throw new EvolveException(w + " needs a value");
            }
            switch (w) {
                case "--runs" -> {
                    try {
                        runs = Integer.parseInt(words.get(++i));
                    } catch (NumberFormatException e) {
                        throw new EvolveException("--runs needs a whole number, got '" + words.get(i) + "'");
                    }
                }
                case "--bug" -> only.add(words.get(++i));
                case "--sources" -> sources = Path.of(words.get(++i));
                default -> throw new EvolveException("bench evolution takes --runs N, --bug NAME (repeatable) and --sources DIR; got '" + w + "'");
            }
        }
        EvolutionBench.Summary s = EvolutionBench.run(setup(cli, sources), runs, only, cli.out);
        return s.falseFixes() == 0 ? 0 : 1;
    }
}
