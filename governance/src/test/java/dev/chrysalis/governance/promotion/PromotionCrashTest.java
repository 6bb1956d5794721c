package dev.chrysalis.governance.promotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.audit.AuditEntry;
import dev.chrysalis.governance.audit.AuditVerification;
import dev.chrysalis.governance.testing.GovernanceFixture;
import dev.chrysalis.governance.testing.SimulatedHost;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a promotion at every one of its steps, in a child JVM that halts on the spot, then restarts the way
 * the host does (recovery before traffic) and checks that the live version, the journal, the submission
 * status and the audit chain all agree on "last good" or "new", never anything in between.
 */
class PromotionCrashTest {
    static final String PLUGIN = GovernanceFixture.PLUGIN;

    @TempDir
    static Path root;
    static Path template;
    static String v1;
    static String v2;

    @BeforeAll
    static void template() {
        template = root.resolve("template");
        try (var f = GovernanceFixture.create(template, Clock.systemUTC())) {
            new SimulatedHost(f.hostState(), PromotionCrashChild.behaviours(f, "promote")).install(PLUGIN, f.v1);
            v1 = f.v1;
            v2 = f.v2;
        }
    }

    record ChildRun(int exit, String output) {
    }

    static ChildRun child(Path dataDir, String scenario, int haltAt) {
        return child(dataDir, scenario, Integer.toString(haltAt));
    }

    static ChildRun child(Path dataDir, String scenario, String haltAt) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var pb = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx96m",
                "-cp", cp, PromotionCrashChild.class.getName(), dataDir.toString(), scenario, haltAt);
        pb.redirectErrorStream(true);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("child did not finish: " + out);
            }
            return new ChildRun(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Path copyOfTemplate(String name) {
        Path target = root.resolve(name);
        try (Stream<Path> files = Files.walk(template)) {
            for (Path p : files.toList()) {
                Path t = target.resolve(template.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Runs the scenario to its end once and returns its steps, in order (index 0 is step 1). */
    static List<String> stepsOf(String scenario) {
        ChildRun run = child(copyOfTemplate("dry-" + scenario), scenario, Integer.MAX_VALUE);
        assertEquals(0, run.exit(), run.output());
        String done = run.output().lines().filter(l -> l.startsWith("DONE ")).findFirst().orElseThrow(() -> new AssertionError(run.output()));
        assertTrue(done.endsWith(scenario.equals("promote") ? "PROMOTED" : "ROLLED_BACK"), done);
        return run.output().lines().filter(l -> l.startsWith("STEP ")).map(l -> l.split(" ", 3)[2]).toList();
    }

    /**
     * The steps worth a crash: every journal write, effect and audit row, and the first call observed in each
     * stage (later calls of a stage leave the same durable state as the first).
     */
    static List<Integer> crashPoints(List<String> steps, int from) {
        List<Integer> out = new ArrayList<>();
        java.util.Set<String> observed = new java.util.HashSet<>();
        for (int i = from; i < steps.size(); i++) {
            String step = steps.get(i);
            if (!step.startsWith("observe:") || observed.add(step)) {
                out.add(i + 1);
            }
        }
        return out;
    }

    /** Restart: recovery before traffic, then every record must agree. Returns a one-line summary. */
    static String restartAndCheck(Path dataDir, String scenario, ChildRun run, boolean tornWrite) throws IOException {
        Path journalFile = dataDir.resolve("governance/promotions/" + PLUGIN + ".journal");
        if (tornWrite && Files.exists(journalFile)) {
            Files.writeString(journalFile, "0badc0de {\"promotion\":\"" + PLUGIN + "#1\",\"state\":\"PROM", StandardOpenOption.APPEND);
        }
        try (var f = GovernanceFixture.open(dataDir, Clock.systemUTC())) {
            var host = new SimulatedHost(f.hostState(), PromotionCrashChild.behaviours(f, scenario));
            var controller = new PromotionController(PromotionCrashChild.PLAN, host, host, f.approvals, f.audit, f.journalDir(),
                    Clock.systemUTC(), StepListener.NONE);
            List<RecoveryOutcome> outcomes = controller.recover();
            String where = run.output().strip();
            String live = host.liveDigest(PLUGIN).orElse("");
            List<JournalRecord> journal = new PromotionJournal(f.journalDir(), PLUGIN).read();
            JournalRecord last = journal.getLast();
            assertTrue(last.state().terminal() && last.phase() == JournalRecord.Phase.DONE, where + ": journal ends " + last);
            boolean promoted = last.state() == PromotionState.PROMOTED;
            assertEquals(promoted ? v2 : v1, live, where + ": live digest disagrees with the journal");
            if (scenario.equals("rollback")) {
                assertFalse(promoted, where + ": a failing candidate must never end promoted");
            }
            assertInstanceOf(AuditVerification.Intact.class, f.audit.verify(), where);
            List<AuditEntry> rows = f.audit.about(PLUGIN + "@" + v2).stream().filter(e -> e.kind().startsWith("promotion.")).toList();
            AuditEntry lastRow = rows.getLast();
            if (outcomes.getFirst().repaired()) {
                assertEquals("promotion.recovered", lastRow.kind(), where);
                assertTrue(lastRow.detail().endsWith(promoted ? "landed on new " + v2 : "landed on last-good " + v1),
                        where + ": " + lastRow.detail());
            } else {
                assertEquals("promotion." + last.state().id(), lastRow.kind(), where);
            }
            assertEquals(promoted ? CandidateStatus.PROMOTED : CandidateStatus.ROLLED_BACK,
                    f.approvals.submission(PLUGIN, v2).orElseThrow().status(), where);
            assertTrue(controller.recover().stream().noneMatch(RecoveryOutcome::repaired), where + ": second recovery changed something");
            return where + " -> " + last.state() + (tornWrite ? " (torn write)" : "");
        }
    }

    @Test
    void killedAtAnyStepOfAPromotionRestartLandsOnLastGoodOrNewAndTheAuditChainVerifies() throws Exception {
        List<String> promoteSteps = stepsOf("promote");
        List<String> rollbackSteps = stepsOf("rollback");
        List<Object[]> points = new ArrayList<>();
        for (int i : crashPoints(promoteSteps, 0)) {
            points.add(new Object[] {"promote", i});
        }
        // the rollback path: from the first call observed in probation on
        for (int i : crashPoints(rollbackSteps, rollbackSteps.indexOf("observe:probation"))) {
            points.add(new Object[] {"rollback", i});
        }
        assertTrue(points.size() >= 20, "crash points: " + points.size());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> results = new ArrayList<>();
        for (Object[] point : points) {
            String scenario = (String) point[0];
            int haltAt = (Integer) point[1];
            results.add(pool.submit(() -> {
                Path dir = copyOfTemplate(scenario + "-" + haltAt);
                ChildRun run = child(dir, scenario, haltAt);
                assertEquals(137, run.exit(), "child should have halted at step " + haltAt + ": " + run.output());
                return restartAndCheck(dir, scenario.equals("rollback") ? "rollback" : "promote", run, haltAt % 3 == 0);
            }));
        }
        List<String> summary = new ArrayList<>();
        try {
            for (Future<String> r : results) {
                summary.add(r.get(120, TimeUnit.SECONDS));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError ae) {
                throw ae;
            }
            throw e;
        } finally {
            pool.shutdownNow();
        }
        long promoted = summary.stream().filter(s -> s.contains("-> PROMOTED")).count();
        long rolledBack = summary.stream().filter(s -> s.contains("-> ROLLED_BACK")).count();
        System.out.println("crash points: " + summary.size() + " (" + promoted + " landed on new, " + rolledBack + " on last-good)");
        summary.forEach(s -> System.out.println("  " + s));
        assertTrue(summary.size() >= 20);
        assertTrue(promoted > 0 && rolledBack > 0, "both outcomes occur: " + promoted + "/" + rolledBack);
    }

    @Test
    void aRecoveryThatIsItselfKilledIsFinishedByTheNextRestart() throws Exception {
        List<String> points = List.of("effect:rolling-back", "audit:rolling-back", "journal:rolled-back:begin", "audit:rolled-back");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> results = new ArrayList<>();
        for (String point : points) {
            results.add(pool.submit(() -> {
                Path dir = copyOfTemplate("recover-" + point.replace(':', '-'));
                ChildRun first = child(dir, "promote", "effect:full");
                assertEquals(137, first.exit(), first.output());
                ChildRun second = child(dir, "recover", point);
                assertEquals(137, second.exit(), "recovery should have halted at " + point + ": " + second.output());
                return restartAndCheck(dir, "promote", new ChildRun(137, first.output().strip() + ", then " + second.output().strip()), false);
            }));
        }
        try {
            for (Future<String> r : results) {
                String summary = r.get(120, TimeUnit.SECONDS);
                assertTrue(summary.endsWith("-> ROLLED_BACK"), summary);
                System.out.println("  " + summary);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError ae) {
                throw ae;
            }
            throw e;
        } finally {
            pool.shutdownNow();
        }
    }
}
