package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentConfig;
import dev.chrysalis.host.agent.TurnRecorder;
import dev.chrysalis.host.bench.BenchBrain;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.testplugins.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swaps and rollbacks are kept under the data directory and survive a restart (or come from another process). */
class SwapPersistenceTest {

    @TempDir
    Path temp;

    private String answer(PluginRuntime runtime) {
        Agent agent = new Agent(runtime, new BenchBrain(), TurnRecorder.none(), Clock.systemUTC(), new SplittableRandom(1),
                AgentConfig.under(temp.resolve("data")));
        return agent.newSession().ask("echo 1").answer();
    }

    @Test
    void aSwapAndItsHistorySurviveARestartAndRollbackStillWorksAfterIt() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        Path v2 = BenchBundles.write(temp.resolve("v2"), "2.0.0");
        RuntimeConfig config = RuntimeConfig.of(temp.resolve("data"), TestPlugins.bundlesDir(temp.resolve("bundles"), v1));
        String d1;
        String d2;
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            d1 = runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME);
            d2 = runtime.swap("dev.chrysalis.bench.echo", v2).toDigest();
            assertEquals("n=1 from version 2.0.0", answer(runtime));
        }
        Files.delete(v2); // the offered jar is gone: the runtime keeps its own copy
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            assertEquals(d2, runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME));
            assertEquals("n=1 from version 2.0.0", answer(runtime));
            PluginInfo info = runtime.plugin("bench-echo").orElseThrow();
            assertEquals(List.of(d1), info.previousDigests());
            assertEquals("2.0.0", info.version());
            assertTrue(runtime.skillDocument("bench-echo").orElseThrow().contains("Answers as version 2.0.0"));
            assertEquals(d1, runtime.rollback("bench-echo").toDigest());
            assertEquals("n=1 from version 1.0.0", answer(runtime));
        }
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            assertEquals(d1, runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME));
            assertEquals(List.of(), runtime.plugin("bench-echo").orElseThrow().previousDigests());
            assertThrows(NoPreviousVersionException.class, () -> runtime.rollback("bench-echo"));
        }
    }

    @Test
    void aSwapMadeByAnotherRuntimeOnTheSameDataDirectoryTakesEffectAtTheNextStart() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        Path v2 = BenchBundles.write(temp.resolve("v2"), "2.0.0");
        RuntimeConfig config = RuntimeConfig.of(temp.resolve("data"), TestPlugins.bundlesDir(temp.resolve("bundles"), v1));
        try (PluginRuntime shell = PluginRuntime.start(config)) {
            try (PluginRuntime cli = PluginRuntime.start(config)) { // the CLI while the shell holds felix-cache
                cli.swap("bench-echo", v2);
            }
            assertEquals("n=1 from version 1.0.0", answer(shell), "the running runtime is not changed under its feet");
        }
        try (PluginRuntime next = PluginRuntime.start(config)) {
            assertEquals("n=1 from version 2.0.0", answer(next));
        }
        try (var files = Files.list(temp.resolve("data"))) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith("felix-cache-")).toList(),
                    "the second runtime's private bundle cache is removed");
        }
    }

    @Test
    void aTornJournalLineIsSkippedAndATamperedStoredJarOrUnreadableJournalFallsBackToTheShippedJar() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        Path v2 = BenchBundles.write(temp.resolve("v2"), "2.0.0");
        RuntimeConfig config = RuntimeConfig.of(temp.resolve("data"), TestPlugins.bundlesDir(temp.resolve("bundles"), v1));
        String d2;
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            d2 = runtime.swap("bench-echo", v2).toDigest();
        }
        Path pluginDir = pluginDirJar(d2).getParent().getParent();
        Path journal = pluginDir.resolve("state.jsonl");
        Files.writeString(journal, "{\"symbolicName\":\"dev.chrysalis.bench.echo\",\"li", java.nio.file.StandardOpenOption.APPEND);
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            assertEquals("n=1 from version 2.0.0", answer(runtime), "a torn last line (crash mid-write) is skipped");
            runtime.rollback("bench-echo");
        }
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            assertEquals("n=1 from version 1.0.0", answer(runtime), "the change after a torn line is kept whole");
            runtime.swap("bench-echo", pluginDirJar(d2));
        }
        Path stored = pluginDir.resolve("jars/" + d2 + ".jar");
        Files.copy(v1, stored, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // content no longer matches its name
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            assertEquals("n=1 from version 1.0.0", answer(runtime));
            assertEquals(java.util.Map.of(), runtime.failedPlugins());
        }
        Files.writeString(journal, "{ not json\n");
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            assertEquals("n=1 from version 1.0.0", answer(runtime));
        }
    }

    private Path pluginDirJar(String digest) {
        return temp.resolve("data/plugins/" + BenchBundles.SYMBOLIC_NAME + "/jars/" + digest + ".jar");
    }
}
