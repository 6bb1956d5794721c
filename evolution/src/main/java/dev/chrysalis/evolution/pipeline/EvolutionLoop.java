package dev.chrysalis.evolution.pipeline;

import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.CompileDiagnostic;
import dev.chrysalis.evolution.build.CompileResult;
import dev.chrysalis.evolution.build.PackagedBundle;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.locate.HarnessLocator;
import dev.chrysalis.evolution.locate.SpectrumLocator;
import dev.chrysalis.evolution.locate.StackTraceLocator;
import dev.chrysalis.evolution.locate.Suspicion;
import dev.chrysalis.evolution.mutate.Mutation;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Mutator;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.preserve.BehaviourCheck;
import dev.chrysalis.evolution.preserve.NeighbourInputs;
import dev.chrysalis.evolution.search.CandidateTree;
import dev.chrysalis.evolution.search.OperatorStats;
import dev.chrysalis.evolution.workspace.CandidateRef;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.sandbox.trial.Behaviour;
import dev.chrysalis.sandbox.trial.CaseReport;
import dev.chrysalis.sandbox.trial.CaseVerdict;
import dev.chrysalis.sandbox.trial.TrialReport;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.sandbox.trial.TrialTimes;
import dev.chrysalis.spi.replay.ReplayCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One batch's evolution, as the explicit state machine of {@link Stage}: Locate (stack traces, and a
 * spectrum on main for skills) -> Plan (rank mutation sites by suspicion and per-operator MAA) -> per
 * candidate Mutate -> Compile -> Package -> Trial -> Verdict, until a candidate is handed to governance or
 * the budget is spent. Candidates form a tree searched by clade-metaproductivity; only a node that improved
 * on its parent is expanded further. Every transition is journaled before the stage it enters runs.
 * The trial screens each candidate on the evidence alone (one run per case) and gives the full trial
 * (evidence and regression cases, k runs each) only to candidates that fix every evidence case, in the worker
 * that screened it. Where each run spent its time goes to {@link #timings()}.
 */
public final class EvolutionLoop {
    private final Workspace workspace;
    private final PluginCompiler compiler;
    private final BundlePackager packager;
    private final TrialRunner trials;
    private final EvolutionSettings settings;
    private final Journal journal;
    private final TimingLog timings;
    private final Path dataDir;
    private final Clock clock;
    private final Consumer<Transition> listener;

    public EvolutionLoop(Workspace workspace, PluginCompiler compiler, BundlePackager packager, TrialRunner trials,
                         EvolutionSettings settings, Path dataDir, Clock clock, Consumer<Transition> listener) {
        this.workspace = workspace;
        this.compiler = compiler;
        this.packager = packager;
        this.trials = trials;
        this.settings = settings;
        this.dataDir = dataDir;
        this.journal = new Journal(dataDir.resolve("evolution/journal.jsonl"));
        this.timings = new TimingLog(dataDir.resolve("evolution/timings.jsonl"));
        this.clock = clock;
        this.listener = listener;
    }

    public Journal journal() {
        return journal;
    }

    /** Where each run's {@link StageTimes} are appended when it ends. */
    public TimingLog timings() {
        return timings;
    }

    /** The state of one run: enforces legal transitions and journals each. */
    private final class Run {
        final String batch;
        final int attempt;
        final StageTimes times = new StageTimes();
        Stage stage = Stage.LOCATE;

        Run(String batch, int attempt) {
            this.batch = batch;
            this.attempt = attempt;
        }

        void move(Stage to, int candidate, String detail) {
            if (!stage.canMoveTo(to)) {
                throw new IllegalTransitionException("batch " + batch + ": " + stage.label() + " -> " + to.label() + " is not a legal transition");
            }
            Transition t = new Transition(batch, attempt, candidate, stage, to, clock.instant(), detail);
            times.time("journal", () -> {
                journal.append(t);
                return t;
            });
            stage = to;
            listener.accept(t);
        }
    }

    public EvolutionResult evolve(Batch batch) {
        Instant start = clock.instant();
        List<Transition> past = journal.of(batch.id());
        int attempt = past.stream().mapToInt(Transition::attempt).max().orElse(0);
        if (!past.isEmpty()) {
            Transition last = past.getLast();
            if (last.to() == Stage.HANDED_TO_GOVERNANCE) {
                return new EvolutionResult.Abandoned(batch.id(), "already handed to governance: " + last.detail(), List.of(), Duration.ZERO);
            }
            if (!last.to().terminal()) {
                // the previous run was interrupted: end it cleanly before this one resumes
                Transition end = new Transition(batch.id(), last.attempt(), last.candidate(), last.to(), Stage.ABANDONED, clock.instant(),
                        "interrupted run ended; the next attempt resumes after its candidates");
                journal.append(end);
                listener.accept(end);
            }
        }
        Run run = new Run(batch.id(), attempt + 1);
        List<CandidateOutcome> outcomes = new ArrayList<>();
        long t0 = System.nanoTime();
        long cpu0 = StageTimes.processCpu().toNanos();
        EvolutionResult result;
        try {
            result = evolve(batch, run, outcomes, start);
        } catch (RuntimeException e) {
            if (!run.stage.terminal()) {
                run.move(Stage.FAILED, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            result = new EvolutionResult.Failed(batch.id(), e.getClass().getSimpleName() + ": " + e.getMessage(), outcomes, elapsed(start));
        }
        deleteQuietly(mainJar(batch));
        run.times.addCpu("this JVM, all threads", StageTimes.processCpu().minusNanos(cpu0));
        timings.append(run.batch, run.attempt, run.stage, Duration.ofNanos(System.nanoTime() - t0), result.candidates().size(), run.times);
        return result;
    }

    /** Where main is packaged when its behaviour must be observed; removed when the run ends. */
    private Path mainJar(Batch batch) {
        return dataDir.resolve("evolution/candidates/" + batch.id() + "/main.jar");
    }

    private Duration elapsed(Instant start) {
        return Duration.between(start, clock.instant());
    }

    private EvolutionResult evolve(Batch batch, Run run, List<CandidateOutcome> outcomes, Instant start) {
        long evidenceStart = System.nanoTime();
        PluginSource plugin = workspace.plugin(batch.plugin());
        Map<String, String> files = workspace.pluginFiles(Workspace.MAIN, plugin.name());
        List<EvidenceCase> evidence = batch.evidenceCases();
        if (evidence.isEmpty()) {
            run.move(Stage.ABANDONED, 0, "batch has no replayable evidence");
            return new EvolutionResult.Abandoned(batch.id(), "batch has no replayable evidence", outcomes, elapsed(start));
        }
        Set<String> evidenceInputs = new HashSet<>();
        Set<String> evidenceIds = new HashSet<>();
        evidence.forEach(e -> {
            evidenceInputs.add(e.dedupKey());
            evidenceIds.add(e.replay().id());
        });
        List<ReplayCase> regression = batch.regression().stream()
                .filter(c -> !evidenceIds.contains(c.id()) && !evidenceInputs.contains(c.skill() + "\u0000" + c.input())).toList();

        List<ReplayCase> neighbours = NeighbourInputs.of(evidence.stream().map(EvidenceCase::replay).toList(), regression,
                settings.neighbourInputs());
        MainBehaviour main = new MainBehaviour(plugin, files, mainJar(batch), run.times);
        run.times.add("evidence", Duration.ofNanos(System.nanoTime() - evidenceStart));

        // Locate
        Suspicion suspicion = run.times.time("locate", () -> locate(plugin, files, batch, evidence, regression));
        run.move(Stage.PLAN, 0, "located by " + suspicion.how() + ": " + top(suspicion.methods(), 3));

        // Plan
        OperatorStats maa = new OperatorStats(dataDir.resolve("evolution/maa"), plugin.name(), 0.3);
        Set<String> tried = new HashSet<>();
        int n = 0;
        for (CandidateRef ref : workspace.candidates()) {
            if (ref.branch().startsWith("evolve/" + batch.id() + "/")) {
                n = Math.max(n, Integer.parseInt(ref.branch().substring(ref.branch().lastIndexOf('/') + 1)));
                tried.add(ref.message().lines().skip(1).findFirst().orElse("").strip());
            }
        }
        CandidateTree tree = new CandidateTree(files, 0.0, 0.5);
        Map<Integer, Proposals> pending = new HashMap<>();
        pending.put(0, run.times.time("plan", () -> plan(batch, tree.root().files(), suspicion, maa)));
        run.move(Stage.MUTATE, 0, "mutators " + settings.mutators().stream().map(Mutator::name).toList()
                + (tried.isEmpty() ? "" : "; resuming after " + tried.size() + " earlier candidates"));

        int made = 0;
        while (true) {
            if (made >= settings.candidatesPerBatch()) {
                return abandon(run, batch, "candidate budget of " + settings.candidatesPerBatch() + " spent", outcomes, start);
            }
            if (elapsed(start).compareTo(settings.wallTime()) > 0) {
                return abandon(run, batch, "wall time budget of " + settings.wallTime() + " spent", outcomes, start);
            }
            if (Thread.currentThread().isInterrupted()) {
                return abandon(run, batch, "interrupted", outcomes, start);
            }
            // a node's first proposals are made here (whether it is expandable): planning time
            Optional<CandidateTree.Node> selected = run.times.time("plan", () -> tree.select(node -> expandable(node, pending)));
            if (selected.isEmpty()) {
                return abandon(run, batch, "no mutation left to try", outcomes, start);
            }
            CandidateTree.Node parent = selected.get();
            Proposals it = pending.computeIfAbsent(parent.id(), id -> plan(batch, parent.files(), suspicion, maa));
            Proposal proposal = run.times.time("mutate", it::next);
            if (proposal instanceof Proposal.Rejected rejected) {
                // no candidate to commit, but the attempt costs budget and its reason is journaled
                made++;
                maa.record(rejected.operator(), -1);
                run.move(Stage.MUTATE, 0, rejected.mutator() + " proposal rejected: " + rejected.reason());
                continue;
            }
            Proposal.Rewrite rewrite = (Proposal.Rewrite) proposal;
            Mutation mutation = rewrite.mutation();
            if (parent.id() == 0 && tried.contains(mutation.describe())) {
                continue;
            }
            n++;
            made++;
            Map<String, String> childFiles = new LinkedHashMap<>(parent.files());
            childFiles.putAll(mutation.changes());
            Map<String, String> changedInWorkspace = new LinkedHashMap<>();
            mutation.changes().forEach((file, text) -> changedInWorkspace.put(plugin.name() + "/" + file, text));
            String parentRef = parent.id() == 0 ? Workspace.MAIN : CandidateRef.branchName(batch.id(), parent.id());
            int candidate = n;
            CandidateRef ref = run.times.time("commit", () -> workspace.commitCandidate(batch.id(), candidate, parentRef, changedInWorkspace,
                    "evolve " + batch.id() + " candidate " + candidate + " (" + mutation.operator().label() + ")\n\n"
                    + mutation.describe() + "\n"));
            run.move(Stage.COMPILE, n, ref.branch() + ": " + mutation.describe() + (rewrite.log().isEmpty() ? "" : "\n" + rewrite.log()));

            CompileResult compiled = run.times.time("compile", () -> compiler.compile(childFiles));
            if (compiled instanceof CompileResult.Failed failed) {
                maa.record(mutation.operator(), -1);
                it.compileFailed(mutation, failed.diagnostics());
                outcomes.add(new CandidateOutcome(n, parent.id(), ref.branch(), mutation.describe(), Optional.empty(), Stage.COMPILE,
                        failed.diagnostics().stream().map(CompileDiagnostic::toString).toList(), List.of(), List.of(), List.of(), Optional.empty(), 0));
                run.move(Stage.MUTATE, n, "did not compile: " + failed.summary());
                continue;
            }
            run.move(Stage.PACKAGE, n, "compiled " + ((CompileResult.Compiled) compiled).classes().size() + " classes");
            Path jar = dataDir.resolve("evolution/candidates/" + batch.id() + "/" + n + ".jar");
            PackagedBundle bundle = run.times.time("package", () -> packager.pack(plugin, ((CompileResult.Compiled) compiled).classes(),
                    bundledResources(childFiles),
                    "1.0.0.evolve-" + batch.id() + "-" + candidate, jar));
            run.move(Stage.TRIAL, n, "bundle sha256 " + bundle.sha256());

            Judgement j = trial(bundle.jar(), evidence, regression, neighbours, main, run.times);
            double fitness = j.fullPass() ? 2.0 : (double) j.fixed.size() / evidence.size();
            maa.record(mutation.operator(), Math.signum(fitness - parent.fitness()));
            CandidateTree.Node child = tree.add(parent, n, childFiles, mutation.describe(), fitness);
            boolean pass = j.fullPass();
            outcomes.add(new CandidateOutcome(n, parent.id(), ref.branch(), mutation.describe(), Optional.of(bundle.sha256()),
                    pass ? Stage.HANDED_TO_GOVERNANCE : Stage.VERDICT, List.of(), j.fixed, j.broken, j.neighbours.newFailures(), j.unsafe, fitness));
            run.move(Stage.VERDICT, n, j.summary(evidence.size(), regression.size()));
            if (pass) {
                run.move(Stage.HANDED_TO_GOVERNANCE, n, ref.branch() + " " + bundle.sha256());
                return new EvolutionResult.HandedToGovernance(batch.id(), outcomes.getLast(), bundle.jar(), ref.commitId(), outcomes, elapsed(start));
            }
            deleteQuietly(jar);
            run.move(Stage.MUTATE, n, "verdict: not passed (fitness " + String.format("%.2f", fitness) + ", node " + child.id() + ")");
        }
    }

    /** The plugin's files that travel in its bundle beside the classes. */
    private static Map<String, String> bundledResources(Map<String, String> files) {
        Map<String, String> resources = new LinkedHashMap<>();
        for (String r : List.of("SKILL.md", "README.md", "replay.jsonl")) {
            if (files.containsKey(r)) {
                resources.put(r, files.get(r));
            }
        }
        return resources;
    }

    private static boolean expandable(CandidateTree.Node node, Map<Integer, Proposals> pending) {
        boolean improved = node.parent().map(p -> node.fitness() > p.fitness()).orElse(true);
        if (!improved || node.fitness() >= 2.0) {
            return false;
        }
        Proposals it = pending.get(node.id());
        return it == null || it.hasNext();
    }

    private EvolutionResult abandon(Run run, Batch batch, String reason, List<CandidateOutcome> outcomes, Instant start) {
        run.move(Stage.ABANDONED, 0, reason);
        return new EvolutionResult.Abandoned(batch.id(), reason, outcomes, elapsed(start));
    }

    private Suspicion locate(PluginSource plugin, Map<String, String> files, Batch batch, List<EvidenceCase> evidence,
                             List<ReplayCase> regression) {
        Map<String, String> classFiles = new HashMap<>();
        Set<String> packages = new HashSet<>();
        files.keySet().stream().filter(f -> f.startsWith("src/main/java/") && f.endsWith(".java")).forEach(f -> {
            String fqcn = f.substring("src/main/java/".length(), f.length() - ".java".length()).replace('/', '.');
            classFiles.put(fqcn, f);
            packages.add(fqcn.contains(".") ? fqcn.substring(0, fqcn.lastIndexOf('.')) : "");
        });
        Suspicion stack = new StackTraceLocator().locate(batch.stackTraces(), packages, classFiles);
        if (plugin.kind().equals("harness")) {
            return new HarnessLocator().locate(files, batch).plus(stack);
        }
        if (!settings.spectrum()) {
            return stack;
        }
        Set<String> match = new HashSet<>();
        evidence.stream().filter(e -> e.goal() == EvidenceCase.Goal.MATCH).forEach(e -> match.add(e.replay().id()));
        Optional<Suspicion> spectrum = new SpectrumLocator(compiler, dataDir.resolve("evolution/scratch"), Duration.ofSeconds(5))
                .locate(files, evidence.stream().map(EvidenceCase::replay).toList(), regression, match);
        if (spectrum.isEmpty()) {
            return stack;
        }
        return spectrum.get().plus(stack);
    }

    /** The proposals of every configured mutator for a node, in the configured order, each asked only when the ones before are spent. */
    private Proposals plan(Batch batch, Map<String, String> files, Suspicion suspicion, OperatorStats maa) {
        MutationRequest request = new MutationRequest(batch, files, suspicion, maa);
        List<Supplier<Proposals>> sources = new ArrayList<>();
        for (Mutator m : settings.mutators()) {
            sources.add(() -> m.propose(request));
        }
        return Proposals.chain(sources);
    }

    private record Judgement(List<String> fixed, List<String> broken, Optional<String> unsafe, boolean full, int evidenceTotal,
                             BehaviourCheck neighbours) {
        boolean fullPass() {
            return full && fixed.size() == evidenceTotal && broken.isEmpty() && unsafe.isEmpty() && neighbours.newFailures().isEmpty();
        }

        Judgement with(BehaviourCheck check) {
            return new Judgement(fixed, broken, unsafe, full, evidenceTotal, check);
        }

        String summary(int evidence, int regression) {
            String s0 = fixed.size() + "/" + evidence + " evidence fixed";
            StringBuilder s = new StringBuilder(s0);
            if (full) {
                s.append(", ").append(regression - broken.size()).append("/").append(regression).append(" regression kept");
            } else {
                s.append(" (screen only)");
            }
            if (!broken.isEmpty()) {
                s.append("; broke ").append(broken.subList(0, Math.min(5, broken.size())));
            }
            unsafe.ifPresent(u -> s.append("; unsafe: ").append(u));
            if (neighbours.checked() > 0) {
                s.append("; ").append(neighbours.summary());
            }
            return s.toString();
        }
    }

    /**
     * What main does on neighbour inputs, observed only when a candidate that passed its trial failed on some (most runs
     * never need it) and only on those, each at most once per run: main is compiled and packaged once, then observed in
     * a worker of its own.
     */
    private final class MainBehaviour {
        private final PluginSource plugin;
        private final Map<String, String> files;
        private final Path jar;
        private final StageTimes times;
        private final Map<String, Behaviour> observed = new HashMap<>();
        private boolean packaged;

        MainBehaviour(PluginSource plugin, Map<String, String> files, Path jar, StageTimes times) {
            this.plugin = plugin;
            this.files = files;
            this.jar = jar;
            this.times = times;
        }

        Map<String, Behaviour> on(List<ReplayCase> neighbours) {
            List<ReplayCase> unseen = neighbours.stream().filter(n -> !observed.containsKey(n.id())).toList();
            if (!unseen.isEmpty()) {
                observed.putAll(times.time("neighbours: main", () -> observe(unseen)));
            }
            return observed;
        }

        private Map<String, Behaviour> observe(List<ReplayCase> neighbours) {
            if (!packaged) {
                if (!(compiler.compile(files) instanceof CompileResult.Compiled compiled)) {
                    throw new IllegalStateException("main of " + plugin.name() + " does not compile, so its behaviour cannot be observed");
                }
                packager.pack(plugin, compiled.classes(), bundledResources(files), "1.0.0.main", jar);
                packaged = true;
            }
            try (TrialRunner.Trial trial = trials.open(jar, settings.trial())) {
                return trial.observe(neighbours);
            }
        }
    }

    /**
     * One worker serves the candidate's whole trial: first a screen, one run of each evidence case; only a candidate
     * that fixes every evidence case and breaks no rule gets the rest of the full trial in the same worker, the other
     * k-1 runs of each evidence case and k runs of each regression case, so every case still has k runs behind the
     * verdict. A candidate screened out costs one worker and one bundle load, never two.
     */
    private Judgement trial(Path jar, List<EvidenceCase> evidence, List<ReplayCase> regression, List<ReplayCase> neighbours,
                            MainBehaviour main, StageTimes times) {
        List<ReplayCase> evidenceCases = evidence.stream().map(EvidenceCase::replay).toList();
        int k = settings.trial().runsPerCase();
        TrialRunner.Trial trial = trials.open(jar, settings.trial());
        try {
            trial.replay(evidenceCases, 1);
            TrialReport screen = trial.report();
            record(times, "screen", screen, Optional.empty());
            Judgement first = judge(screen, evidence, List.of(), false);
            if (first.fixed.size() < evidence.size() || first.unsafe.isPresent()) {
                return first;
            }
            trial.replay(evidenceCases, k - 1);
            if (!regression.isEmpty()) {
                trial.replay(regression, k);
            }
            TrialReport full = trial.report();
            record(times, "full trial", full, Optional.of(screen));
            Judgement verdict = judge(full, evidence, regression, true);
            // passing every case is not yet a repair: it must not fail near the cases where main did not
            if (!verdict.fullPass() || neighbours.isEmpty()) {
                return verdict;
            }
            Map<String, Behaviour> seen = times.time("neighbours: candidate", () -> trial.observe(neighbours));
            return verdict.with(BehaviourCheck.compare(neighbours, seen, main::on));
        } finally {
            times.time("retire worker", () -> {
                trial.close();
                return trial;
            });
        }
    }

    /** A trial's time by phase, less what an earlier stage of the same trial already counted. */
    private static void record(StageTimes times, String which, TrialReport report, Optional<TrialReport> before) {
        TrialTimes t = before.map(b -> report.times().minus(b.times())).orElse(report.times());
        times.add(which + ": worker", t.acquire());
        times.add(which + ": load", t.load());
        times.add(which + ": replay", t.replay());
        times.addCpu("worker processes", t.workerCpu());
    }

    private static Judgement judge(TrialReport report, List<EvidenceCase> evidence, List<ReplayCase> regression, boolean full) {
        List<String> fixed = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        Optional<String> unsafe = Optional.empty();
        for (CaseReport c : report.cases()) {
            for (CaseVerdict v : c.runs()) {
                if (v instanceof CaseVerdict.Violation violation && unsafe.isEmpty()) {
                    unsafe = Optional.of(c.caseId() + ": " + violation.detail());
                }
            }
        }
        for (EvidenceCase e : evidence) {
            CaseReport c = report.caseReport(e.replay().id());
            boolean ok = switch (e.goal()) {
                case MATCH -> c.passed();
                case CHANGE -> !c.flaky() && c.outcome() instanceof CaseVerdict.Fail;
            };
            if (ok) {
                fixed.add(e.replay().id());
            }
        }
        for (ReplayCase r : regression) {
            if (!report.caseReport(r.id()).passed()) {
                broken.add(r.id());
            }
        }
        return new Judgement(fixed, broken, unsafe, full, evidence.size(), BehaviourCheck.NONE);
    }

    private static String top(Map<String, Double> scores, int k) {
        if (scores.isEmpty()) {
            return "no information (every method is a suspect)";
        }
        return scores.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(k)
                .map(e -> e.getKey() + String.format("=%.2f", e.getValue())).toList().toString();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            System.getLogger(EvolutionLoop.class.getName()).log(System.Logger.Level.WARNING, "cannot delete " + p + ": " + e.getMessage());
        }
    }
}
