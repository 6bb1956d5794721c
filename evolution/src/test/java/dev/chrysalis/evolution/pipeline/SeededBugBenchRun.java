package dev.chrysalis.evolution.pipeline;

import dev.chrysalis.evolution.bench.SeededBug;
import dev.chrysalis.evolution.bench.SeededBugBench;
import dev.chrysalis.evolution.support.SeededBenches;
import dev.chrysalis.sandbox.trial.TrialOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeded-bug benchmark, run on request only: {@code -Dchrysalis.bench.evolution=true -Dtest=SeededBugBenchRun}
 * (add {@code -Dchrysalis.bench.bugs=name,name} for some of them; budgets: {@code -Dchrysalis.bench.candidates=40
 * -Dchrysalis.bench.wallSeconds=150}).
 */
@EnabledIfSystemProperty(named = "chrysalis.bench.evolution", matches = "true")
class SeededBugBenchRun {

    @Test
    void runSeededBugBenchmark(@TempDir Path temp) throws Exception {
        EvolutionSettings settings = new EvolutionSettings(Integer.getInteger("chrysalis.bench.candidates", 40),
                Duration.ofSeconds(Integer.getInteger("chrysalis.bench.wallSeconds", 150)), TrialOptions.defaults(), true);
        SeededBenches.withBench(temp, settings, bench -> {
            int repaired = 0;
            int falseFixes = 0;
            int visible = 0;
            int i = 0;
            List<Long> millis = new ArrayList<>();
            String only = System.getProperty("chrysalis.bench.bugs", "");
            List<SeededBug> bugs = only.isBlank() ? SeededBugBench.allBugs()
                    : java.util.Arrays.stream(only.split(",")).map(String::strip).map(SeededBugBench::byName).toList();
            for (SeededBug bug : bugs) {
                SeededBugBench.Row row = bench.run(bug, temp.resolve("bug-" + i++));
                System.out.printf("bench %-40s %-60s cand=%d %6d ms falseFix=%s %s%n", row.bug(), row.outcome(), row.candidates(),
                        row.elapsed().toMillis(), row.falseFix(), row.winner().orElse(""));
                row.tried().forEach(t -> System.out.println("    " + t));
                if (!row.outcome().startsWith("bug not visible") && !row.outcome().startsWith("seeded")) {
                    visible++;
                    millis.add(row.elapsed().toMillis());
                }
                if (row.outcome().equals("repaired")) {
                    repaired++;
                    if (row.falseFix()) {
                        falseFixes++;
                    }
                }
            }
            Collections.sort(millis);
            System.out.printf("bench repaired %d/%d visible seeded bugs, %d false fixes; time per batch median %d ms, max %d ms%n",
                    repaired, visible, falseFixes, millis.isEmpty() ? 0 : millis.get(millis.size() / 2), millis.isEmpty() ? 0 : millis.getLast());
        });
    }
}
