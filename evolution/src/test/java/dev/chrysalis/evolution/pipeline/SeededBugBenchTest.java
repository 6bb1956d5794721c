package dev.chrysalis.evolution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.bench.SeededBug;
import dev.chrysalis.evolution.bench.SeededBugBench;
import dev.chrysalis.evolution.support.Build;
import dev.chrysalis.evolution.support.SeededBenches;
import dev.chrysalis.sandbox.trial.TrialOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick slice of the seeded-bug benchmark that runs with every build: two bugs whose fix the planner ranks
 * first are repaired through the sandbox with no false fix; the full set is {@link SeededBugBenchRun}.
 */
class SeededBugBenchTest {

    @Test
    void representativeBugsAreRepairedWithoutFalseFixes(@TempDir Path temp) throws Exception {
        List<SeededBug> bugs = List.of(SeededBugBench.byName("calculator-max-copied-from-min"),
                SeededBugBench.byName("datetime-negative-amount-sign"));
        SeededBenches.withBench(temp, new EvolutionSettings(10, Duration.ofMinutes(2), TrialOptions.defaults(), true), bench -> {
            int i = 0;
            for (SeededBug bug : bugs) {
                SeededBugBench.Row row = bench.run(bug, temp.resolve("bug-" + i++));
                assertEquals("repaired", row.outcome(), bug.name());
                assertFalse(row.falseFix(), bug.name() + ": the winner " + row.winner().orElse("") + " breaks a hidden case");
                assertTrue(row.candidates() <= 3, bug.name() + ": the fix is among the first candidates, took " + row.candidates());
            }
        });
    }

    /**
     * The shipped cases only round to given places, so "size != 3" passes all of them, yet throws on a one-argument
     * round: the neighbour check (dropping ", 2" from the evidence's round(10/3, 2)) must turn it down, and the search
     * goes on to the real fix.
     */
    @Test
    void aCandidateThatPassesEveryCaseButThrowsWhereMainDidNotIsNotHandedOver(@TempDir Path temp) throws Exception {
        SeededBenches.withBench(temp, new EvolutionSettings(10, Duration.ofMinutes(2), TrialOptions.defaults(), true), bench -> {
            SeededBugBench.Row row = bench.run(SeededBugBench.byName("calculator-round-places-ignored"), temp.resolve("bug"));

            assertTrue(row.tried().stream().anyMatch(t -> t.contains("'==' -> '!='") && t.contains("fails on")), String.join("\n", row.tried()));
            assertEquals("repaired", row.outcome(), String.join("\n", row.tried()));
            assertFalse(row.falseFix(), "the winner " + row.winner().orElse("") + " breaks a hidden case");
        });
    }

    @Test
    void everySeededBugIsDistinctAndChangesItsFile() {
        Set<String> names = new HashSet<>();
        List<SeededBug> bugs = SeededBugBench.allBugs();
        for (SeededBug bug : bugs) {
            assertTrue(names.add(bug.name()), "duplicate seeded bug " + bug.name());
            assertTrue(Files.isRegularFile(Build.projectRoot().resolve(bug.family()).resolve(bug.skill()).resolve(bug.file())), bug.name());
        }
        assertTrue(bugs.size() >= 20, "the benchmark has at least 20 seeded bugs, has " + bugs.size());
        assertTrue(bugs.stream().anyMatch(SeededBug::harness) && bugs.stream().anyMatch(b -> !b.harness()), "skills and harness plugins");
    }
}
