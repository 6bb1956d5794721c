package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.build.CompileResult;
import dev.chrysalis.evolution.build.PackagedBundle;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.Clearance;
import dev.chrysalis.governance.approval.Principal;
import dev.chrysalis.governance.approval.Role;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.runtime.PluginOperationException;
import dev.chrysalis.host.shell.Answer;
import dev.chrysalis.host.shell.HostControl;
import dev.chrysalis.host.shell.Printing;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code demo evolution}: a scripted, self-contained evolution a newcomer can watch, in a fresh data directory.
 * The example skill {@code examples/price-tax} (kept apart from the shipped skills; its discount-tier loop reads
 * past the end of its table for orders of 50 or more) is compiled, installed into a host and asked a few questions;
 * the turns that fail are stored as evidence with their stack traces, the loop repairs the plugin, the sandbox trial passes and the candidate goes to
 * governance. There the demo stops at the approval step, or with {@code --auto-approve} a separate demo approver
 * approves it, the fixed bundle is hot-swapped in, and the question that failed is asked again.
 */
public final class EvolutionDemo {
    public static final String EXAMPLE = "price-tax";
    static final String APPROVER = "demo-approver";
    static final String GOOD = "price of 3 at 4.00 with 8% tax";
    static final List<String> FAILING = List.of("price of 60 at 0.99 with 19% tax", "price of 50 at 1.00 with 10% tax");

    /** How the demo ended: the submission of the repair, and (auto-approved) the answer the fixed plugin gave. */
    public record Outcome(Path dataDir, Path bundlesDir, Submission submission, Optional<String> fixedAnswer) {
    }

    private EvolutionDemo() {
    }

    /**
     * @param setup       paths of the real build (sources hold {@code examples/price-tax}; bundles, compile class path, sandbox)
     * @param bundlesDir  the host's base and shipped bundles; copied with the example added
     * @param work        an empty folder the demo owns: {@code data/}, {@code bundles/}, {@code project/}
     */
    public static Outcome run(EvolutionSetup setup, Path bundlesDir, Path work, boolean autoApprove, PrintWriter out, Clock clock) {
        Path example = setup.sources().resolve("examples").resolve(EXAMPLE);
        if (!Files.isRegularFile(example.resolve("pom.xml")) || !Files.isDirectory(example.resolve("src/main/java"))) {
            throw new EvolveException("the demo's example plugin is not at " + example + " (examples/" + EXAMPLE + " with pom.xml and"
                    + " src/main/java); run from the project root (./chrysalis does) or pass --sources DIR");
        }
        Path project = work.resolve("project");
        Path data = work.resolve("data");
        Path bundles = work.resolve("bundles");
        copyTree(example, project.resolve("skills").resolve(EXAMPLE));
        copyJars(bundlesDir, bundles);
        EvolutionSetup demo = setup.withDataDir(data).withSources(project);

        out.println("== 1. install: the example skill '" + EXAMPLE + "' (examples/" + EXAMPLE + ": 5% off from 10 items, 10% from 50;"
                + " its tier loop runs one step too far)");
        PackagedBundle buggy = buildExample(demo, project.resolve("skills").resolve(EXAMPLE), bundles);
        out.println("   built " + buggy.symbolicName() + " " + buggy.version() + " sha256:" + buggy.sha256().substring(0, 16)
                + "..., installed into a fresh host (data: " + data + ")");
        try (HostControl host = HostControl.open(HostConfig.of(data, bundles).withClock(clock))) {
            out.println("== 2. use it: a few turns; a turn that fails is stored as evidence (tool I/O, stack trace)");
            ask(host, GOOD, out);
            for (String q : FAILING) {
                Answer a = ask(host, q, out);
                var failures = host.evidence().turn(a.turnId()).map(t -> t.failures()).orElse(List.of());
                if (failures.isEmpty()) {
                    throw new EvolveException("the example's bug did not show: '" + q + "' did not fail (answer: " + a.text() + ")");
                }
                out.println("   -> evidence #" + a.turnId() + ": " + failures.getFirst().kind() + " " + failures.getFirst().message());
            }
            out.println("== 3. evolve " + EXAMPLE + ": evidence -> batch -> candidates (mutate, compile, package, sandbox trial) -> verdict");
            List<Evolve.BatchRun> runs = Evolve.run(host, demo, new Evolve.Options(Optional.of(EXAMPLE), Optional.empty(), 40,
                    Duration.ofMinutes(5)), out, clock);
            Submission submission = runs.stream().flatMap(r -> r.submission().stream()).findFirst().orElseThrow(() -> new EvolveException(
                    "the demo's evolution found no passing candidate (see the lines above); data kept in " + data));
            out.println("== 4. the repair, as the reviewer sees its source (chrysalis candidates diff):");
            try (CandidateCatalog catalog = CandidateCatalog.open(data).orElseThrow()) {
                List<CandidateCatalog.Row> rows = catalog.rows((p, d) -> Optional.empty());
                CandidateCatalog.Row winner = rows.stream().filter(r -> r.verdict().equals("pass")).findFirst().orElseThrow();
                catalog.diff(winner).lines().forEach(l -> out.println("   " + l));
            }
            if (!autoApprove) {
                out.println("== 5. approval: the candidate waits in governance as submission #" + submission.id() + " (" + submission.status().id()
                        + "); nothing is live until a person approves it. To approve it yourself:");
                out.println("   ./chrysalis --data-dir " + data + " --bundles " + bundles + " user add alice --role approver --password-file PASSWORD_FILE");
                out.println("   ./chrysalis --data-dir " + data + " --bundles " + bundles + " serve   # then open /governance/, sign in, approve");
                out.println("   (or run 'chrysalis demo evolution --auto-approve' to let a demo approver do it)");
                return new Outcome(data, bundles, submission, Optional.empty());
            }
            String fixed = approveAndSwap(host, data, submission, out, clock);
            return new Outcome(data, bundles, submission, Optional.of(fixed));
        }
    }

    private static Answer ask(HostControl host, String question, PrintWriter out) {
        Answer a = host.ask(question);
        out.println("   > " + question);
        out.println("   " + a.text());
        out.flush();
        return a;
    }

    private static String approveAndSwap(HostControl host, Path data, Submission submission, PrintWriter out, Clock clock) {
        out.println("== 5. approval (--auto-approve): a separate identity, '" + APPROVER + "', approves; the proposer ('"
                + submission.proposer() + "') never could");
        try (Governance governance = Governance.open(data, PolicyReader.defaults(), clock)) {
            char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
            Principal approver = governance.accounts().user(APPROVER)
                    .orElseGet(() -> governance.accounts().createUser(APPROVER, password, Set.of(Role.APPROVER), "demo"));
            governance.approvals().approve(approver, submission.digest(), "demo: the trial fixed every flagged turn and kept every replay case");
            Clearance clearance = governance.approvals().clearance(submission.plugin(), submission.artifact());
            if (!(clearance instanceof Clearance.Cleared cleared)) {
                throw new EvolveException("the approved candidate is not cleared: " + clearance.explanation());
            }
            out.println("   approved by " + cleared.by() + "; hot-swapping " + submission.plugin() + " to sha256:" + submission.digest().substring(0, 16) + "...");
            try {
                out.println("   " + Printing.swap(host.swap(EXAMPLE, submission.artifact())));
            } catch (PluginOperationException e) {
                throw new EvolveException("the approved candidate could not be swapped in: " + e.getMessage(), e);
            }
            governance.audit().append(APPROVER, "demo.swapped", submission.plugin() + "@" + submission.digest(),
                    "hot-swapped by the evolution demo right after approval (no probation)");
        }
        out.println("== 6. the turn that failed, asked again:");
        String answer = ask(host, FAILING.getFirst(), out).text();
        out.println(answer.contains("10% off") ? "   fixed: orders of 50 or more are priced, with 10% off" : "   NOT fixed: " + answer);
        return answer;
    }

    /** Compiles the example's sources with evolution's compiler and packs them as the shipped builds would. */
    private static PackagedBundle buildExample(EvolutionSetup setup, Path module, Path bundles) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(module)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = module.relativize(p).toString().replace('\\', '/');
                if (rel.startsWith("src/main/java/") || rel.equals("SKILL.md") || rel.equals("replay.jsonl")) {
                    files.put(rel, Files.readString(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the example plugin " + module + ": " + e.getMessage(), e);
        }
        PluginCompiler compiler = new PluginCompiler(setup.compileClasspath());
        if (!(compiler.compile(files) instanceof CompileResult.Compiled compiled)) {
            throw new EvolveException("the example plugin " + module + " does not compile: " + compiler.compile(files));
        }
        PluginSource source = new PluginSource(EXAMPLE, "skill", "dev.chrysalis.skill.skill-" + EXAMPLE, "");
        return new BundlePackager(setup.compileClasspath()).pack(source, compiled.classes(),
                Map.of("SKILL.md", files.get("SKILL.md"), "replay.jsonl", files.get("replay.jsonl")), "1.0.0",
                bundles.resolve("skill-" + EXAMPLE + "-1.0.0.jar"));
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                Files.createDirectories(dest.getParent());
                Files.copy(p, dest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static void copyJars(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (Stream<Path> s = Files.list(from)) {
                for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".jar")).toList()) {
                    Files.copy(p, to.resolve(p.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the bundles " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }
}
