package dev.chrysalis.sandbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.sandbox.TrialVerdictsTest;
import dev.chrysalis.sandbox.support.CandidateBundles;
import dev.chrysalis.spi.replay.ReplayCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bench trial} on the test adder bundle with 10 cases, and on the shipped router with its turn
 * cases. A benchmark, not a test: it only runs
 * with {@code -Dchrysalis.bench=true} (e.g. {@code -Dtest=TrialBenchTest -Dchrysalis.bench=true}).
 */
class TrialBenchTest {
    @TempDir
    Path temp;

    @Test
    void benchTrial() throws Exception {
        assumeTrue(Boolean.getBoolean("chrysalis.bench"), "benchmark: run with -Dchrysalis.bench=true");
        Path jar = new CandidateBundles(temp).build("bench-adder", "dev.chrysalis.sandbox.good",
                Map.of("-dsannotations", "dev.chrysalis.sandbox.good.CorrectAdder"));
        Path cases = Files.createDirectories(temp.resolve("adder")).resolve("replay.jsonl");
        Files.writeString(cases, IntStream.range(0, 10)
                .mapToObj(i -> ReplayCases.toJsonLine(TrialVerdictsTest.adderCase("case-" + i, i, i * 2, i * 3, i)))
                .collect(Collectors.joining("\n")));
        assertEquals(0, TrialCli.run(System.out, System.err, "bench", "trial", "--bundle", jar.toString(),
                "--cases", cases.toString(), "--iterations", "5"));
    }

    @Test
    void benchTurnTrial() {
        assumeTrue(Boolean.getBoolean("chrysalis.bench"), "benchmark: run with -Dchrysalis.bench=true");
        Path router = dev.chrysalis.sandbox.HarnessTrialTest.shipped("harness-router-default");
        Path cases = Path.of(System.getProperty("chrysalis.harness.dir"), "router-default", "replay.jsonl");
        assertEquals(0, TrialCli.run(System.out, System.err, "bench", "trial", "--bundle", router.toString(),
                "--cases", cases.toString(), "--iterations", "5"));
    }
}
