package dev.chrysalis.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.hostile.Attacks;
import dev.chrysalis.sandbox.pool.WorkerPool;
import dev.chrysalis.sandbox.pool.WorkerReply;
import dev.chrysalis.sandbox.support.CandidateBundles;
import dev.chrysalis.sandbox.support.SandboxFixture;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile corpus: one bundle per escape attempt, each trialled in a real worker. Every attempt must be
 * contained and reported with the right rule, and the parent and the pool must keep working afterwards.
 */
@Execution(ExecutionMode.CONCURRENT)
class HostileCorpusTest {
    private static final List<Path> ESCAPE_FILES = Stream.of("write", "raf", "disarmed", "swallowed", "thread", "activator")
            .map(s -> Path.of("/tmp/chrysalis-escape-" + s + ".txt")).toList();

    @TempDir
    static Path temp;
    static WorkerPool pool;
    static TrialRunner runner;
    static CandidateBundles bundles;

    /** An attack and how the sandbox must answer it: a rule, or a timeout of the given kind. */
    record Expectation(Class<?> attack, Optional<Rule> rule, Optional<WorkerReply.Limit> timeout, boolean atStart) {
        static Expectation rule(Class<?> attack, Rule rule) {
            return new Expectation(attack, Optional.of(rule), Optional.empty(), false);
        }

        static Expectation timeout(Class<?> attack, WorkerReply.Limit limit) {
            return new Expectation(attack, Optional.empty(), Optional.of(limit), false);
        }

        @Override
        public String toString() {
            return attack.getSimpleName() + " -> " + rule.map(Rule::label).orElse(timeout.map(Object::toString).orElse("?"));
        }
    }

    /** The whole corpus, or the attacks named (comma-separated) by -Dchrysalis.hostile.only. */
    static Stream<Expectation> corpus() {
        String only = System.getProperty("chrysalis.hostile.only", "");
        return all().filter(e -> only.isBlank() || List.of(only.split(",")).contains(e.attack().getSimpleName()));
    }

    private static Stream<Expectation> all() {
        return Stream.of(
                Expectation.rule(Attacks.WriteOutsideScratch.class, Rule.FILE_WRITE),
                Expectation.rule(Attacks.ReadSshKey.class, Rule.FILE_READ),
                Expectation.rule(Attacks.ReadEtcPasswd.class, Rule.FILE_READ),
                Expectation.rule(Attacks.ListRootHome.class, Rule.FILE_READ),
                Expectation.rule(Attacks.DeleteOutsideScratch.class, Rule.FILE_WRITE),
                Expectation.rule(Attacks.TraverseOutOfWorkspace.class, Rule.FILE_WRITE),
                Expectation.rule(Attacks.SymlinkOut.class, Rule.FILE_WRITE),
                Expectation.rule(Attacks.WriteRawStdout.class, Rule.FILE_WRITE),
                Expectation.rule(Attacks.RandomAccessOutside.class, Rule.FILE_WRITE),
                Expectation.rule(Attacks.OpenSocket.class, Rule.NETWORK),
                Expectation.rule(Attacks.ListenOnPort.class, Rule.NETWORK),
                Expectation.rule(Attacks.HttpExfiltrate.class, Rule.NETWORK),
                Expectation.rule(Attacks.ResolveHost.class, Rule.NETWORK),
                Expectation.rule(Attacks.SendDatagram.class, Rule.NETWORK),
                Expectation.rule(Attacks.SpawnShell.class, Rule.PROCESS),
                Expectation.rule(Attacks.RuntimeExec.class, Rule.PROCESS),
                Expectation.rule(Attacks.SignalParent.class, Rule.PROCESS),
                Expectation.rule(Attacks.ExitJvm.class, Rule.EXIT),
                Expectation.rule(Attacks.HaltJvm.class, Rule.EXIT),
                Expectation.rule(Attacks.LoadLibrary.class, Rule.NATIVE),
                Expectation.rule(Attacks.LoadLibraryByPath.class, Rule.NATIVE),
                Expectation.rule(Attacks.ForeignDowncall.class, Rule.NATIVE),
                Expectation.rule(Attacks.ReflectIntoFelix.class, Rule.REFLECTION),
                Expectation.rule(Attacks.ReflectIntoJdk.class, Rule.REFLECTION),
                Expectation.rule(Attacks.PrivateLookupInJdk.class, Rule.REFLECTION),
                Expectation.rule(Attacks.GrabUnsafe.class, Rule.UNSAFE),
                Expectation.rule(Attacks.DisarmGuard.class, Rule.REFLECTION),
                Expectation.rule(Attacks.DefineClassLoader.class, Rule.CLASSLOADER),
                Expectation.rule(Attacks.ForkBombThreads.class, Rule.THREAD_LIMIT),
                Expectation.rule(Attacks.AllocateUntilOom.class, Rule.MEMORY_LIMIT),
                Expectation.timeout(Attacks.SpinForever.class, WorkerReply.Limit.CPU),
                Expectation.timeout(Attacks.SleepForever.class, WorkerReply.Limit.WALL_CLOCK),
                Expectation.rule(Attacks.DeepRecursion.class, Rule.STACK_DEPTH),
                Expectation.rule(Attacks.ReadEnvSecret.class, Rule.ENVIRONMENT),
                Expectation.rule(Attacks.DumpEnvironment.class, Rule.ENVIRONMENT),
                Expectation.rule(Attacks.ReadUserHomeProperty.class, Rule.SYSTEM_PROPERTY),
                Expectation.rule(Attacks.ReadClassPathProperty.class, Rule.SYSTEM_PROPERTY),
                Expectation.rule(Attacks.SetSystemProperty.class, Rule.SYSTEM_PROPERTY),
                Expectation.rule(Attacks.ReplaceStdout.class, Rule.SYSTEM_STATE),
                Expectation.rule(Attacks.DeserializeGadget.class, Rule.DESERIALIZATION),
                Expectation.rule(Attacks.HugeOutput.class, Rule.OUTPUT_LIMIT),
                Expectation.rule(Attacks.FloodStdout.class, Rule.OUTPUT_LIMIT),
                Expectation.rule(Attacks.QueryJmx.class, Rule.ATTACH_JMX),
                Expectation.rule(Attacks.AttachToParent.class, Rule.ATTACH_JMX),
                Expectation.rule(Attacks.StopFramework.class, Rule.FRAMEWORK),
                Expectation.rule(Attacks.InstallBundle.class, Rule.FRAMEWORK),
                Expectation.rule(Attacks.SwallowViolation.class, Rule.FILE_WRITE),
                Expectation.rule(Attacks.EscapeViaThread.class, Rule.FILE_WRITE),
                new Expectation(Attacks.AttackWhileStarting.class, Optional.of(Rule.FILE_WRITE), Optional.empty(), true));
    }

    @BeforeAll
    static void startPool() throws Exception {
        for (Path p : ESCAPE_FILES) {
            Files.deleteIfExists(p);
        }
        Files.writeString(Path.of("/tmp/chrysalis-victim.txt"), "must survive");
        bundles = new CandidateBundles(temp.resolve("bundles"));
        pool = SandboxFixture.pool(temp.resolve("workers"), 2);
        runner = new TrialRunner(pool);
    }

    @AfterAll
    static void poolStillWorks() throws Exception {
        try {
            Path good = bundles.build("still-good", "dev.chrysalis.sandbox.good",
                    Map.of("-dsannotations", "dev.chrysalis.sandbox.good.CorrectAdder"));
            ReplayCase c = TrialVerdictsTest.adderCase("after-the-corpus", 2, 3, 5, 11);
            TrialReport report = runner.run(good, List.of(c), TrialOptions.defaults().withRunsPerCase(1));
            assertInstanceOf(TrialVerdict.Pass.class, report.verdict(), () -> "pool broken after the corpus: " + report);
            assertEquals("must survive", Files.readString(Path.of("/tmp/chrysalis-victim.txt")));
            for (Path p : ESCAPE_FILES) {
                assertFalse(Files.exists(p), () -> "an attack wrote " + p);
            }
        } finally {
            pool.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachEscapeIsContainedAndReportedWithItsRule(Expectation e) throws Exception {
        String name = e.attack().getSimpleName();
        Map<String, String> headers = new java.util.HashMap<>(Map.of(
                "Bundle-Activator", "dev.chrysalis.sandbox.hostile.TestActivator",
                "Chrysalis-Test-Attack", e.attack().getName()));
        if (e.atStart()) {
            headers.put("Chrysalis-Test-Attack-At-Start", "true");
        }
        Path jar = bundles.build("hostile-" + name, "dev.chrysalis.sandbox.hostile", headers);
        ReplayCase c = new ReplayCase(name, "attack", new ObjectMapper().createObjectNode(),
                Optional.of(new ObjectMapper().createObjectNode().put("escaped", "nothing")), Optional.empty(),
                ReplayCase.DEFAULT_CLOCK, 0, Map.of(), 0);
        TrialOptions options = new TrialOptions(1, Duration.ofSeconds(e.attack() == Attacks.SleepForever.class ? 2 : 20),
                Duration.ofSeconds(e.attack() == Attacks.SpinForever.class ? 1 : 10), Duration.ofSeconds(10), true);

        TrialReport report = runner.run(jar, List.of(c), options);

        CaseVerdict verdict = report.cases().getFirst().outcome();
        if (e.rule().isPresent()) {
            var violation = assertInstanceOf(CaseVerdict.Violation.class, verdict, () -> name + ": " + report);
            assertEquals(e.rule().get(), violation.rule(), () -> name + ": " + violation);
            assertInstanceOf(TrialVerdict.Unsafe.class, report.verdict());
            if (e.rule().get().ordinal() <= Rule.THREAD_LIMIT.ordinal()) {
                assertTrue(violation.where().contains(name), () -> "the report names the attacking frame: " + violation);
            }
        } else {
            var timeout = assertInstanceOf(CaseVerdict.Timeout.class, verdict, () -> name + ": " + report);
            assertEquals(e.timeout().get(), timeout.limit(), () -> name + ": " + timeout);
            assertInstanceOf(TrialVerdict.Fail.class, report.verdict());
        }
        System.out.printf("HOSTILE %-24s %-10s %s%n", name, verdict.label(), verdict.detail());
    }
}
