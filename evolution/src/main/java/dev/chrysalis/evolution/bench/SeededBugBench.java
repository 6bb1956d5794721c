package dev.chrysalis.evolution.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.CompileResult;
import dev.chrysalis.evolution.build.PackagedBundle;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.pipeline.CandidateOutcome;
import dev.chrysalis.evolution.pipeline.EvolutionLoop;
import dev.chrysalis.evolution.pipeline.EvolutionResult;
import dev.chrysalis.evolution.pipeline.EvolutionSettings;
import dev.chrysalis.evolution.locate.HarnessLocator;
import dev.chrysalis.evolution.locate.SpectrumLocator;
import dev.chrysalis.evolution.locate.Suspicion;
import dev.chrysalis.evolution.mutate.AstMutator;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.search.OperatorStats;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.evolution.workspace.Workspace;
import dev.chrysalis.sandbox.trial.CaseReport;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialReport;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.sandbox.trial.TurnCases;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The seeded-bug benchmark: for each bug, a copy of the shipped skill with the bug is built and replayed in
 * the sandbox; the replay cases it fails become evidence (with the correct expectation), every third case
 * it passes is held out as a hidden case and the rest are the batch's regression cases; the loop runs with
 * the AST mutators alone; a winner is then replayed against the hidden cases. A false fix is a winner that
 * breaks a hidden case.
 */
public final class SeededBugBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The outcome for one seeded bug.
     *
     * @param tried each candidate in order: its mutation and how far it got (evidence fixed, regression broken)
     */
    public record Row(String bug, String outcome, int candidates, Duration elapsed, Optional<String> winner, boolean falseFix,
                      List<String> tried) {
        public Row {
            tried = List.copyOf(tried);
        }

        Row(String bug, String outcome) {
            this(bug, outcome, 0, Duration.ZERO, Optional.empty(), false, List.of());
        }
    }

    private static List<String> tried(List<CandidateOutcome> outcomes) {
        return outcomes.stream().map(o -> o.mutation() + " -> " + o.stage().label() + " fixed " + o.evidenceFixed().size()
                + (o.regressionBroken().isEmpty() ? "" : ", broke " + o.regressionBroken())
                + (o.newFailures().isEmpty() ? "" : ", fails on " + o.newFailures().size() + " neighbour inputs main handled")
                + (o.compileErrors().isEmpty() ? "" : ", " + o.compileErrors().getFirst())).toList();
    }

    public static List<SeededBug> shippedSkillBugs() {
        String eval = "src/main/java/dev/chrysalis/skill/calculator/Evaluator.java";
        String stats = "src/main/java/dev/chrysalis/skill/csv/ColumnStats.java";
        String parser = "src/main/java/dev/chrysalis/skill/csv/CsvParser.java";
        String functions = "src/main/java/dev/chrysalis/skill/calculator/Functions.java";
        String dateTime = "src/main/java/dev/chrysalis/skill/datetime/DateTimeSkill.java";
        String reader = "src/main/java/dev/chrysalis/skill/files/FileReader.java";
        String jsonPath = "src/main/java/dev/chrysalis/skill/json/JsonPath.java";
        return List.of(
                new SeededBug("calculator-negative-power-comparison", "calculator", eval,
                        "if (n < 0 && digits <= MAX_EXACT_DIGITS)", "if (n > 0 && digits <= MAX_EXACT_DIGITS)"),
                new SeededBug("csv-median-off-by-one", "csv", stats, "sorted.get(n / 2 - 1)", "sorted.get(n / 2 - 2)"),
                new SeededBug("csv-delimiter-comparison", "csv", parser, "if (counts[k] > counts[best])", "if (counts[k] < counts[best])"),
                new SeededBug("csv-stddev-boundary", "csv", stats, "if (n >= 2) {", "if (n > 2) {"),
                new SeededBug("text-line-count-off-by-one", "text", "src/main/java/dev/chrysalis/skill/text/TextCounts.java",
                        "breaks > 0 ? breaks : breaks + 1", "breaks > 0 ? breaks : breaks + 2"),
                new SeededBug("text-case-first-word", "text", "src/main/java/dev/chrysalis/skill/text/CaseConversion.java",
                        "for (int i = 0; i < words.size(); i++)", "for (int i = 1; i < words.size(); i++)"),
                new SeededBug("units-absolute-zero-sign", "units", "src/main/java/dev/chrysalis/skill/units/Conversion.java",
                        "shifted.signum() < 0", "shifted.signum() > 0"),
                new SeededBug("units-plural-strip", "units", "src/main/java/dev/chrysalis/skill/units/UnitCatalogue.java",
                        "s.substring(0, s.length() - 1)", "s.substring(0, s.length() - 2)"),
                new SeededBug("calculator-max-copied-from-min", "calculator", functions,
                        "name.equals(\"min\") ? c < 0 : c > 0", "name.equals(\"min\") ? c > 0 : c > 0"),
                new SeededBug("calculator-power-token-lookahead", "calculator", "src/main/java/dev/chrysalis/skill/calculator/Tokenizer.java",
                        "c == '*' && i + 1 < n && expression.charAt(i + 1) == '*'", "c == '*' && i + 1 < n && expression.charAt(i + 2) == '*'"),
                new SeededBug("csv-escaped-quote", "csv", parser, "if (i + 1 < n && text.charAt(i + 1) == '\"')",
                        "if (i + 1 < n && text.charAt(i + 1) != '\"')"),
                new SeededBug("datetime-negative-amount-sign", "datetime", dateTime,
                        "amount.get() < 0 ? s.negated() : s", "amount.get() > 0 ? s.negated() : s"),
                new SeededBug("files-single-line-range", "files", reader, "if (end < start) {", "if (end <= start) {"),
                new SeededBug("files-first-line-rejected", "files", reader, "if (start < 1) {", "if (start < 2) {"),
                new SeededBug("json-index-zero-skipped", "json", jsonPath, "if (i >= 0 && i < v.size()) {", "if (i > 0 && i < v.size()) {"),
                new SeededBug("json-slice-end-inclusive", "json", jsonPath, "for (int i = start; i < end; i += step)",
                        "for (int i = start; i <= end; i += step)"),
                new SeededBug("calculator-round-places-ignored", "calculator", functions, "if (args.size() == 2) {", "if (args.size() == 3) {"),
                new SeededBug("json-filter-less-flipped", "json", jsonPath, "case \"<\" -> order != null && order < 0;",
                        "case \"<\" -> order != null && order > 0;"),
                new SeededBug("text-case-scan-past-end", "text", "src/main/java/dev/chrysalis/skill/text/CaseConversion.java",
                        "for (int i = 0; i < text.length(); ) {", "for (int i = 0; i <= text.length(); ) {"),
                new SeededBug("text-trailing-sentence-negated", "text", "src/main/java/dev/chrysalis/skill/text/TextCounts.java",
                        "if (HAS_WORD.matcher(text.substring(start)).find())", "if (!HAS_WORD.matcher(text.substring(start)).find())"));
    }

    /**
     * Bugs in the shipped harness plugins, trialled with the turn-level cases of every harness plugin's replay.jsonl
     * (the router, hooks and skills together in the sandbox's turn pipeline): a redaction hook ordered after the turn
     * log, so the log stores the secret before it is redacted; and a router that drops every declared route pattern
     * with a named group, so the requests those patterns serve (conversions, arithmetic, text operations) are misrouted.
     */
    public static List<SeededBug> harnessBugs() {
        String rules = "src/main/java/dev/chrysalis/harness/router/RouteRules.java";
        return List.of(
                new SeededBug("hook-redact-after-turn-log", "hook-redact-secrets", "src/main/java/dev/chrysalis/harness/redact/RedactSecretsHook.java",
                        "public static final int PRIORITY = 10;", "public static final int PRIORITY = 1000;", SeededBug.HARNESS),
                new SeededBug("router-drops-patterns-with-groups", "router-default", rules,
                        "if (schema.property(group).isEmpty()) {", "if (!schema.property(group).isEmpty()) {", SeededBug.HARNESS));
    }

    /**
     * Hidden cases a bug's skill has no replay case for, added to that bug's held-out set: behaviour the seeded edit
     * touches but the shipped cases never exercise, so a winner that merely passes the shipped cases by disabling
     * it counts as the false fix it is. Each passes on the shipped (correct) source.
     */
    private static final Map<String, String> EXTRA_HIDDEN = Map.of(
            "calculator-power-token-lookahead",
            "{\"id\":\"hidden-double-star-power\",\"input\":{\"expression\":\"2**10\"},"
                    + "\"expect\":{\"expression\":\"2**10\",\"value\":\"1024\",\"exact\":true}}\n",
            // the shipped cases only round to given places: "size != 3" passes them and breaks round(x)
            "calculator-round-places-ignored",
            "{\"id\":\"hidden-round-one-argument\",\"input\":{\"expression\":\"round(2.5)\"},"
                    + "\"expect\":{\"expression\":\"round(2.5)\",\"value\":\"3\",\"exact\":true}}\n");

    /** Every seeded bug: the shipped skills' and the harness plugins'. */
    public static List<SeededBug> allBugs() {
        List<SeededBug> all = new ArrayList<>(shippedSkillBugs());
        all.addAll(harnessBugs());
        return List.copyOf(all);
    }

    /** One of {@link #allBugs()} by name. */
    public static SeededBug byName(String name) {
        return allBugs().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no seeded bug named '" + name + "'"));
    }

    private final Path projectRoot;
    private final PluginCompiler compiler;
    private final BundlePackager packager;
    private final TrialRunner trials;
    private final EvolutionSettings settings;

    public SeededBugBench(Path projectRoot, PluginCompiler compiler, BundlePackager packager, TrialRunner trials, EvolutionSettings settings) {
        this.projectRoot = projectRoot;
        this.compiler = compiler;
        this.packager = packager;
        this.trials = trials;
        this.settings = settings;
    }

    public Row run(SeededBug bug, Path work) throws IOException {
        Path project = seed(bug, work.resolve("project"));
        Path data = work.resolve("data");
        try (Workspace ws = Workspace.openOrCreate(data, project, Clock.systemUTC())) {
            PluginSource plugin = ws.plugin(bug.skill());
            Map<String, String> files = ws.pluginFiles(Workspace.MAIN, bug.skill());
            List<ReplayCase> replay = bug.harness() ? harnessTurnCases() : ReplayCases.parse(files.get("replay.jsonl"), bug.skill(), "replay.jsonl");
            if (!(compiler.compile(files) instanceof CompileResult.Compiled live)) {
                return new Row(bug.name(), "seeded source does not compile");
            }
            PackagedBundle liveJar = packager.pack(plugin, live.classes(), Map.of(), "1.0.0", work.resolve("live.jar"));
            TrialReport liveTrial = trials.run(liveJar.jar(), replay, settings.trial().withRunsPerCase(1));
            List<EvidenceCase> evidence = new ArrayList<>();
            List<ReplayCase> regression = new ArrayList<>();
            List<ReplayCase> hidden = new ArrayList<>();
            int passing = 0;
            for (ReplayCase c : replay) {
                CaseReport r = liveTrial.caseReport(c.id());
                if (!r.passed()) {
                    evidence.add(new EvidenceCase(c, EvidenceCase.Goal.MATCH));
                } else if (passing++ % 3 == 2) {
                    hidden.add(c);
                } else {
                    regression.add(c);
                }
            }
            if (evidence.isEmpty()) {
                return new Row(bug.name(), "bug not visible in the replay cases");
            }
            List<ReplayCase> extra = ReplayCases.parse(EXTRA_HIDDEN.getOrDefault(bug.name(), ""), bug.skill(), "extra hidden cases of " + bug.name());
            if (!extra.isEmpty()) {
                requirePassOnShippedSource(bug, plugin, extra, work.resolve("shipped.jar"));
                hidden.addAll(extra);
            }
            List<EvidenceItem> items = new ArrayList<>();
            long id = 1;
            for (EvidenceCase e : evidence) {
                items.add(new EvidenceItem(List.of(id++), bug.skill(), List.of("CHECK_FAILED: " + liveTrial.caseReport(e.replay().id()).outcome().detail()),
                        List.of(), List.of(e)));
            }
            Batch batch = new Batch(bug.skill() + "-1", bug.skill(), items, regression, true);
            EvolutionLoop loop = new EvolutionLoop(ws, compiler, packager, trials, settings, data, Clock.systemUTC(), t -> { });
            EvolutionResult result = loop.evolve(batch);
            return switch (result) {
                case EvolutionResult.HandedToGovernance h -> {
                    boolean falseFix = false;
                    if (!hidden.isEmpty()) {
                        TrialReport hiddenTrial = trials.run(h.bundle(), hidden, settings.trial().withRunsPerCase(1));
                        falseFix = hiddenTrial.cases().stream().anyMatch(c -> !c.passed());
                    }
                    yield new Row(bug.name(), "repaired", h.candidates().size(), h.elapsed(), Optional.of(h.winner().mutation()), falseFix,
                            tried(h.candidates()));
                }
                case EvolutionResult.Abandoned a -> new Row(bug.name(), "abandoned: " + a.reason(), a.candidates().size(), a.elapsed(),
                        Optional.empty(), false, tried(a.candidates()));
                case EvolutionResult.Failed f -> new Row(bug.name(), "failed: " + f.reason(), f.candidates().size(), f.elapsed(),
                        Optional.empty(), false, tried(f.candidates()));
            };
        }
    }

    /** Where the AST plan puts the reverting edit for one bug: localisation and ranking, measured without the sandbox. */
    public record PlanRank(String bug, int proposals, int rankOfFix, String located, List<String> first) {
    }

    /**
     * The rank (0-based; -1 when no proposal restores the original) of the edit that undoes the seeded bug in
     * the AST mutator's plan for main, with the spectrum measured over every replay case (those main fails as
     * failing, the rest as passing). A diagnostic for the benchmark's tables: it knows the answer, the loop does not.
     */
    public PlanRank planRank(SeededBug bug, Path work) throws IOException {
        Path project = seed(bug, work.resolve("project"));
        Path skillDir = project.resolve(bug.family()).resolve(bug.skill());
        Map<String, String> files = new java.util.LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(skillDir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.put(skillDir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        String original = Files.readString(projectRoot.resolve(bug.family()).resolve(bug.skill()).resolve(bug.file()));
        Batch batch;
        Suspicion where;
        if (bug.harness()) {
            // every turn case as evidence, no failure message: the locator goes by what the cases expect
            List<EvidenceItem> items = new ArrayList<>();
            long id = 1;
            for (ReplayCase c : harnessTurnCases()) {
                items.add(new EvidenceItem(List.of(id++), bug.skill(), List.of(), List.of(), List.of(new EvidenceCase(c, EvidenceCase.Goal.MATCH))));
            }
            batch = new Batch(bug.skill() + "-1", bug.skill(), items, List.of(), true);
            where = new HarnessLocator().locate(files, batch);
        } else {
            List<ReplayCase> replay = ReplayCases.parse(files.get("replay.jsonl"), bug.skill(), "replay.jsonl");
            Set<String> ids = new java.util.HashSet<>();
            replay.forEach(c -> ids.add(c.id()));
            where = new SpectrumLocator(compiler, work.resolve("scratch"), Duration.ofSeconds(5))
                    .locate(files, replay, replay, ids).orElse(new Suspicion(Map.of(), Map.of(), "nothing"));
            batch = new Batch(bug.skill() + "-1", bug.skill(), List.of(), List.of(), true);
        }
        Proposals plan = new AstMutator().propose(new MutationRequest(batch, files, where,
                new OperatorStats(work.resolve("maa"), bug.skill(), 0.3)));
        int n = 0;
        int rank = -1;
        List<String> first = new ArrayList<>();
        while (plan.hasNext()) {
            if (plan.next() instanceof Proposal.Rewrite r) {
                if (first.size() < 12) {
                    first.add(r.mutation().describe());
                }
                if (rank < 0 && r.mutation().file().equals(bug.file()) && r.mutation().newSource().equals(original)) {
                    rank = n;
                }
            }
            n++;
        }
        return new PlanRank(bug.name(), n, rank, where.how(), first);
    }

    /** An extra hidden case must hold for the correct code, or every winner would look like a false fix. */
    private void requirePassOnShippedSource(SeededBug bug, PluginSource plugin, List<ReplayCase> cases, Path jar) throws IOException {
        Path shipped = projectRoot.resolve(bug.family()).resolve(bug.skill());
        Map<String, String> files = new java.util.LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(shipped.resolve("src/main/java"))) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.put(shipped.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        if (!(compiler.compile(files) instanceof CompileResult.Compiled compiled)) {
            throw new IllegalStateException("seeded bug '" + bug.name() + "': the shipped " + bug.skill() + " does not compile");
        }
        TrialReport report = trials.run(packager.pack(plugin, compiled.classes(), Map.of(), "1.0.0", jar).jar(), cases,
                settings.trial().withRunsPerCase(1));
        for (CaseReport c : report.cases()) {
            if (!c.passed()) {
                throw new IllegalStateException("seeded bug '" + bug.name() + "': extra hidden case " + c.caseId()
                        + " fails on the shipped source: " + c.outcome().detail());
            }
        }
    }

    /** The turn-level cases of every shipped harness plugin (files holding other cases are skipped), first id wins. */
    private List<ReplayCase> harnessTurnCases() throws IOException {
        Map<String, ReplayCase> byId = new java.util.LinkedHashMap<>();
        try (Stream<Path> dirs = Files.list(projectRoot.resolve(SeededBug.HARNESS))) {
            for (Path dir : dirs.sorted().toList()) {
                Path file = dir.resolve("replay.jsonl");
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                List<ReplayCase> cases;
                try {
                    cases = ReplayCases.parse(Files.readString(file), dir.getFileName().toString(), file.toString());
                } catch (RuntimeException notReplayCases) {
                    continue; // e.g. the redaction hook's own text-level cases, read by its unit test
                }
                cases.stream().filter(TurnCases::isTurn).forEach(c -> byId.putIfAbsent(c.id(), c));
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalStateException("no turn-level cases under " + projectRoot.resolve(SeededBug.HARNESS));
        }
        return List.copyOf(byId.values());
    }

    private Path seed(SeededBug bug, Path root) throws IOException {
        Path from = projectRoot.resolve(bug.family()).resolve(bug.skill());
        Path to = root.resolve(bug.family()).resolve(bug.skill());
        for (String part : new String[] {"pom.xml", "SKILL.md", "README.md", "replay.jsonl", "src/main/java"}) {
            Path src = from.resolve(part);
            if (!Files.exists(src)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    Path dest = to.resolve(from.relativize(p).toString());
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        }
        Path target = to.resolve(bug.file());
        String text = Files.readString(target);
        int at = text.indexOf(bug.original());
        if (at < 0 || text.indexOf(bug.original(), at + 1) >= 0) {
            throw new IllegalArgumentException("seeded bug '" + bug.name() + "': " + bug.file() + " must contain '" + bug.original() + "' exactly once");
        }
        Files.writeString(target, text.replace(bug.original(), bug.buggy()));
        return root;
    }
}
