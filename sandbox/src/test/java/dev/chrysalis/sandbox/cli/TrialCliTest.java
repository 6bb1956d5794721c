package dev.chrysalis.sandbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.sandbox.TrialVerdictsTest;
import dev.chrysalis.sandbox.support.CandidateBundles;
import dev.chrysalis.spi.replay.ReplayCases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialCliTest {
    @TempDir
    Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int cli(String... args) {
        return TrialCli.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    @Test
    void trialPrintsATableAndExitsZeroForAPassingCandidate() throws Exception {
        Path jar = new CandidateBundles(temp).build("cli-adder", "dev.chrysalis.sandbox.good",
                Map.of("-dsannotations", "dev.chrysalis.sandbox.good.CorrectAdder"));
        Path cases = Files.createDirectories(temp.resolve("adder")).resolve("replay.jsonl");
        Files.writeString(cases, "# adder cases\n"
                + ReplayCases.toJsonLine(TrialVerdictsTest.adderCase("two-and-three", 2, 3, 5, 7)).replace("\"skill\":\"adder\",", "") + "\n"
                + ReplayCases.toJsonLine(TrialVerdictsTest.adderCase("zeros", 0, 0, 0, 1)) + "\n");

        int status = cli("trial", "--bundle", jar.toString(), "--cases", cases.toString(), "--runs", "2");

        String table = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, () -> table + err);
        assertTrue(table.contains("two-and-three  pass       pass       pass"), table);
        assertTrue(table.contains("verdict: PASS  (2 cases, k=2, 1 worker(s)"), table);
    }

    @Test
    void aRouterIsTrialledWithItsTurnCasesAndAMisroutingOneIsShownWithItsDiff() throws Exception {
        Path cases = Path.of(System.getProperty("chrysalis.harness.dir"), "router-default", "replay.jsonl");
        Path misroute = new CandidateBundles(temp).build("cli-misroute", "dev.chrysalis.sandbox.harness.misroute",
                Map.of("-dsannotations", "dev.chrysalis.sandbox.harness.misroute.CalculatorOnlyRouter"));

        int status = cli("trial", "--bundle", misroute.toString(), "--cases", cases.toString(), "--runs", "1");

        String table = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, status, () -> table + err);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("length-conversion ")
                && line.contains(" fail       fail       route: expected skill 'units', got 'calculator'")), table);
        assertTrue(table.contains("verdict: FAIL  (5 cases, k=1, 1 worker(s)"), table);
    }

    @Test
    void badUsageAndBadInputExitTwoWithTheProblemNamed() throws Exception {
        assertEquals(2, cli("trial", "--bundle", "x.jar"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing --cases"), err::toString);

        err.reset();
        Path cases = temp.resolve("broken.jsonl");
        Files.writeString(cases, "{not json\n");
        assertEquals(2, cli("trial", "--bundle", "x.jar", "--cases", cases.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("broken.jsonl line 1: not valid JSON"), err::toString);

        err.reset();
        assertEquals(2, cli("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: trial"), err::toString);
    }
}
