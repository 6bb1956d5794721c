package dev.chrysalis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.hostile.Attacks;
import dev.chrysalis.sandbox.pool.OsLimits;
import dev.chrysalis.sandbox.pool.SandboxLayout;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerReply;
import dev.chrysalis.sandbox.pool.WorkerSettings;
import dev.chrysalis.sandbox.support.CandidateBundles;
import dev.chrysalis.sandbox.trial.CaseVerdict;
import dev.chrysalis.sandbox.trial.TrialOptions;
import dev.chrysalis.sandbox.trial.TrialReport;
import dev.chrysalis.sandbox.trial.TrialRunner;
import dev.chrysalis.sandbox.trial.TrialVerdict;
import dev.chrysalis.spi.replay.ReplayCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the operating-system limits (prlimit) catch that the guard does not: a huge file inside scratch, a
 * leak of file descriptors, a worker burning CPU past its lifetime budget. Skipped where prlimit is missing
 * (there the huge file would really be written).
 */
class OsLimitsTrialTest {
    private static final long FILE_SIZE_LIMIT = 16L << 20;
    private static final int OPEN_FILES_LIMIT = 256;
    private static final long CPU_SECONDS = 6;

    @TempDir
    static Path temp;
    static WorkerPool pool;
    static TrialRunner runner;
    static CandidateBundles bundles;

    @BeforeAll
    static void startPool() throws Exception {
        Assumptions.assumeTrue(OsLimits.available(), "no working prlimit on this machine");
        bundles = new CandidateBundles(temp.resolve("bundles"));
        WorkerSettings settings = new WorkerSettings(128, 16, 256 * 1024, 512 * 1024, 1, Duration.ofSeconds(30), true,
                temp.resolve("workers"), Optional.of(new OsLimits(CPU_SECONDS, OPEN_FILES_LIMIT, FILE_SIZE_LIMIT)));
        pool = new WorkerPool(SandboxLayout.fromSystemProperties(), settings);
        runner = new TrialRunner(pool);
    }

    @AfterAll
    static void poolStillWorks() throws Exception {
        if (pool == null) {
            return;
        }
        try {
            Path good = bundles.build("still-good", "dev.chrysalis.sandbox.good",
                    Map.of("-dsannotations", "dev.chrysalis.sandbox.good.CorrectAdder"));
            TrialReport report = runner.run(good, List.of(TrialVerdictsTest.adderCase("after-os-limits", 2, 3, 5, 11)),
                    TrialOptions.defaults().withRunsPerCase(1));
            assertInstanceOf(TrialVerdict.Pass.class, report.verdict(), () -> "pool broken after the OS limits: " + report);
        } finally {
            pool.close();
        }
    }

    private static TrialReport attack(Class<?> attack, Duration wall, Duration cpu) throws Exception {
        Path jar = bundles.build("os-" + attack.getSimpleName(), "dev.chrysalis.sandbox.hostile", Map.of(
                "Bundle-Activator", "dev.chrysalis.sandbox.hostile.TestActivator", "Chrysalis-Test-Attack", attack.getName()));
        ReplayCase c = new ReplayCase(attack.getSimpleName(), "attack", new ObjectMapper().createObjectNode(),
                Optional.of(new ObjectMapper().createObjectNode().put("escaped", "nothing")), Optional.empty(),
                ReplayCase.DEFAULT_CLOCK, 0, Map.of(), 0);
        TrialReport report = runner.run(jar, List.of(c), new TrialOptions(1, wall, cpu, Duration.ofSeconds(10), true));
        CaseVerdict verdict = report.cases().getFirst().outcome();
        System.out.printf("OS-LIMIT %-22s %-10s %s%n", attack.getSimpleName(), verdict.label(), verdict.detail());
        return report;
    }

    @Test
    void aMultiGigabyteFileInsideScratchStopsAtTheFileSizeLimitAndIsReported() throws Exception {
        TrialReport report = attack(Attacks.HugeFileInScratch.class, Duration.ofSeconds(30), Duration.ofSeconds(20));

        var violation = assertInstanceOf(CaseVerdict.Violation.class, report.cases().getFirst().outcome(), report::toString);
        assertEquals(Rule.OS_LIMIT, violation.rule());
        assertTrue(violation.target().contains("RLIMIT_FSIZE of " + FILE_SIZE_LIMIT), violation::target);
        assertTrue(violation.target().contains("huge.bin"), violation::target);
        assertInstanceOf(TrialVerdict.Unsafe.class, report.verdict());
        try (Stream<Path> left = Files.walk(temp.resolve("workers"))) {
            assertTrue(left.noneMatch(p -> p.toFile().length() > FILE_SIZE_LIMIT), "no file grew past the limit");
        }
    }

    @Test
    void leakingFileDescriptorsUntilTheTableIsFullIsReported() throws Exception {
        TrialReport report = attack(Attacks.LeakFileDescriptors.class, Duration.ofSeconds(30), Duration.ofSeconds(20));

        var violation = assertInstanceOf(CaseVerdict.Violation.class, report.cases().getFirst().outcome(), report::toString);
        assertEquals(Rule.OS_LIMIT, violation.rule());
        assertTrue(violation.target().contains("RLIMIT_NOFILE of " + OPEN_FILES_LIMIT), violation::target);
    }

    @Test
    void aWorkerPastItsLifetimeCpuBudgetIsEndedByTheKernelAsACpuTimeout() throws Exception {
        // the per-case CPU limit is out of reach, so only the kernel's RLIMIT_CPU can stop the spin
        TrialReport report = attack(Attacks.SpinForever.class, Duration.ofSeconds(90), Duration.ofSeconds(90));

        var timeout = assertInstanceOf(CaseVerdict.Timeout.class, report.cases().getFirst().outcome(), report::toString);
        assertEquals(WorkerReply.Limit.CPU, timeout.limit());
        assertEquals(Duration.ofSeconds(CPU_SECONDS), timeout.allowed());
    }
}
