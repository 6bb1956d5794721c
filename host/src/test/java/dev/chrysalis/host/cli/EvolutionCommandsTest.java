package dev.chrysalis.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.policy.PolicyReader;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.host.evolve.EvolutionDemo;
import dev.chrysalis.host.evolve.EvolutionSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evolution commands over the real pieces: a host with the example plugin (Felix), its evidence in H2 on
 * disk, the JGit workspace, the ecj compiler and bnd, trials in child-JVM sandbox workers, governance's database.
 * One evolution (the demo without approval) is shared by the steps that read its results.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EvolutionCommandsTest {
    @TempDir
    static Path temp;
    static EvolutionDemo.Outcome pending;
    static String pendingLog;

    static EvolutionSetup setup() {
        return EvolutionSetup.resolve(temp.resolve("unused-data"), TestBundles.provisioned(), Optional.empty());
    }

    @Test
    @Order(1)
    void evolveOnRecordedFailingTurnsHandsAPassingCandidateToGovernanceAsPending() throws Exception {
        Path work = Files.createDirectories(temp.resolve("pending"));
        StringWriter log = new StringWriter();
        pending = EvolutionDemo.run(setup(), TestBundles.provisioned(), work, false, new PrintWriter(log, true), Clock.systemUTC());
        pendingLog = log.toString();
        System.out.println(pendingLog);
        Submission s = pending.submission();
        assertEquals(CandidateStatus.PENDING, s.status(), pendingLog);
        assertEquals("evolution", s.proposer());
        assertEquals("dev.chrysalis.skill.skill-price-tax", s.plugin());
        TrialReport trial = s.trial().orElseThrow();
        assertEquals(TrialReport.Verdict.PASS, trial.verdict());
        assertTrue(trial.cases().stream().filter(c -> c.detail().equals("evidence fixed")).count() == 2, trial.toString());
        assertTrue(trial.cases().stream().anyMatch(c -> c.id().equals("eleven-items-discount") && c.passed()), trial.toString());
        assertTrue(pendingLog.contains("sealed batch price-tax-1: 2 evidence turn(s) [#2, #3] blaming price-tax"), pendingLog);
        assertTrue(pendingLog.contains("ArrayIndexOutOfBounds"), "the failing turns were recorded with the skill's exception: " + pendingLog);
        assertTrue(pendingLog.contains("Locate -> Plan"), pendingLog);
        assertTrue(pendingLog.contains("Trial -> Verdict"), pendingLog);
        assertTrue(pendingLog.contains("Verdict -> HandedToGovernance"), pendingLog);
        assertTrue(pendingLog.contains("is pending"), pendingLog);
        try (Governance g = Governance.open(pending.dataDir(), PolicyReader.defaults(), Clock.systemUTC())) {
            assertEquals(1, g.approvals().pending().size(), "the approval web UI lists it as pending");
        }
    }

    @Test
    @Order(2)
    void candidatesListShowAndDiffPrintTheWinner() {
        String data = pending.dataDir().toString();
        CliRun list = CliRun.of("--data-dir", data, "candidates", "list");
        assertEquals(0, list.status(), list.toString());
        String winnerLine = list.out().lines().filter(l -> l.contains(" pass ")).findFirst().orElseThrow(() -> new AssertionError(list));
        assertTrue(winnerLine.startsWith("price-tax-1/"), winnerLine);
        assertTrue(winnerLine.contains("evolve/price-tax-1/"), winnerLine);
        assertTrue(winnerLine.contains("#" + pending.submission().id() + " pending"), winnerLine);
        assertTrue(winnerLine.contains("evidence fixed") && winnerLine.contains("regression kept"), winnerLine);
        String id = winnerLine.substring(0, winnerLine.indexOf(' '));

        CliRun show = CliRun.of("--data-dir", data, "candidates", "show", id);
        assertEquals(0, show.status(), show.toString());
        assertTrue(show.out().contains("bundle     sha256:" + pending.submission().digest()), show.out());
        assertTrue(show.out().contains("verdict    pass"), show.out());
        assertTrue(show.out().contains("governance submission #" + pending.submission().id() + ", pending"), show.out());
        assertTrue(show.out().contains("Verdict -> HandedToGovernance"), show.out());

        CliRun diff = CliRun.of("--data-dir", data, "candidates", "diff", "evolve/" + id);
        assertEquals(0, diff.status(), diff.toString());
        assertTrue(diff.out().contains("--- a/price-tax/src/main/java/dev/chrysalis/skill/pricetax/Pricing.java"), diff.out());
        assertTrue(diff.out().contains("-        while (tier <= TIER_STARTS.length && quantity >= TIER_STARTS[tier]) {"), diff.out());
        assertTrue(diff.out().contains("+        while (tier < TIER_STARTS.length && quantity >= TIER_STARTS[tier]) {")
                || diff.out().contains("+        while (tier != TIER_STARTS.length && quantity >= TIER_STARTS[tier]) {"), diff.out());

        CliRun unknown = CliRun.of("--data-dir", data, "candidates", "show", "price-tax-1/999");
        assertTrue(unknown.failedWith(1, "no candidate 'price-tax-1/999'"), unknown.toString());
    }

    @Test
    @Order(3)
    void aBadBatchIdIsAClearErrorAndNothingNewIsNothingToEvolve() {
        String data = pending.dataDir().toString();
        String bundles = pending.bundlesDir().toString();
        CliRun bad = CliRun.of("--data-dir", data, "--bundles", bundles, "evolve", "--batch", "price-tax-9");
        assertTrue(bad.failedWith(1, "no batch 'price-tax-9'; batches: price-tax-1"), bad.toString());
        CliRun again = CliRun.of("--data-dir", data, "--bundles", bundles, "evolve", "price-tax");
        assertEquals(0, again.status(), again.toString());
        assertTrue(again.out().contains("nothing to evolve: no new evidence for price-tax"), again.toString());
        CliRun unknownPlugin = CliRun.of("--data-dir", data, "--bundles", bundles, "evolve", "no-such-plugin");
        assertTrue(unknownPlugin.failedWith(1, "no evolvable plugin named 'no-such-plugin'"), unknownPlugin.toString());
    }

    @Test
    @Order(3)
    void coderFlagsAndTheMutatorFileAreCheckedBeforeAnythingRuns() throws Exception {
        String data = pending.dataDir().toString();
        String bundles = pending.bundlesDir().toString();
        Path missing = temp.resolve("missing.gguf");
        CliRun noModel = CliRun.of("--data-dir", data, "--bundles", bundles, "evolve", "price-tax", "--coder-model", missing.toString());
        assertTrue(noModel.failedWith(1, "--coder-model " + missing.toAbsolutePath() + ": no such file"), noModel.toString());
        Path config = pending.dataDir().resolve("evolution.properties");
        Files.writeString(config, "mutators=ast,genetic\n");
        try {
            CliRun unknown = CliRun.of("--data-dir", data, "--bundles", bundles, "evolve", "price-tax");
            assertTrue(unknown.failedWith(1, "evolution.properties: mutator 'genetic' is unknown (ast, llm-coder, external-agent)"),
                    unknown.toString());
        } finally {
            Files.delete(config);
        }
        CliRun agent = CliRun.of("--data-dir", data, "--bundles", bundles, "evolve", "price-tax", "--coder-command", "sh fix.sh {prompt}");
        assertEquals(0, agent.status(), agent.toString());
        assertTrue(agent.out().contains("nothing to evolve"), agent.toString());
    }

    @Test
    @Order(4)
    void demoRunsEndToEndWithAutoApproveAndTheFixedAnswerIsServed() throws Exception {
        CliRun demo = CliRun.of("--data-dir", temp.resolve("own-data").toString(), "demo", "evolution", "--auto-approve");
        System.out.println(demo.out());
        String first = demo.out().lines().findFirst().orElse("");
        if (first.startsWith("demo evolution in ")) {
            // the demo keeps its folder for the user to look at; the test does not
            Path kept = Path.of(first.substring("demo evolution in ".length(), first.indexOf(" (")));
            try (var files = Files.walk(kept)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertEquals(0, demo.status(), demo.toString());
        assertTrue(demo.out().contains("approved by demo-approver"), demo.out());
        assertTrue(demo.out().contains("60 x 0.99 = 53.46 after 10% off, + 10.16 tax = 63.62"), demo.out());
        assertTrue(demo.out().contains("fixed: orders of 50 or more are priced, with 10% off"), demo.out());
        assertTrue(!Files.exists(temp.resolve("own-data/evolution")), "the demo leaves the user's data directory alone");
    }
}
