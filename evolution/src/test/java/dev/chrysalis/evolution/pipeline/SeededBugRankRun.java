package dev.chrysalis.evolution.pipeline;

import dev.chrysalis.evolution.bench.SeededBug;
import dev.chrysalis.evolution.bench.SeededBugBench;
import dev.chrysalis.evolution.build.BundlePackager;
import dev.chrysalis.evolution.build.PluginCompiler;
import dev.chrysalis.evolution.support.Build;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Where each seeded bug's fix sits in the AST plan (no sandbox): {@code -Dchrysalis.bench.evolution=true -Dtest=SeededBugRankRun}. */
@EnabledIfSystemProperty(named = "chrysalis.bench.evolution", matches = "true")
class SeededBugRankRun {

    @Test
    void rankOfEachFix(@TempDir Path temp) throws Exception {
        PluginCompiler compiler = new PluginCompiler(Build.compileClasspath());
        SeededBugBench bench = new SeededBugBench(Build.projectRoot(), compiler, new BundlePackager(compiler.classpath()), null,
                EvolutionSettings.defaults());
        int i = 0;
        String only = System.getProperty("chrysalis.bench.bugs", "");
        java.util.List<SeededBug> bugs = only.isBlank() ? SeededBugBench.allBugs()
                : java.util.Arrays.stream(only.split(",")).map(String::strip).map(SeededBugBench::byName).toList();
        for (SeededBug bug : bugs) {
            SeededBugBench.PlanRank r = bench.planRank(bug, temp.resolve("bug-" + i++));
            System.out.printf("rank %-40s fix at %4d of %4d  %s%n", r.bug(), r.rankOfFix(), r.proposals(), r.located());
            if (bug.harness()) {
                r.first().forEach(d -> System.out.println("    " + d));
            }
        }
    }
}
