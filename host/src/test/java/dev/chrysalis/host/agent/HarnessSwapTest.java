package dev.chrysalis.host.agent;

import dev.chrysalis.sandbox.turn.ServedBy;
import dev.chrysalis.sandbox.turn.FailureKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.Host;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.bench.BundleJarBuilder;
import dev.chrysalis.host.testplugins.AlphaHook;
import dev.chrysalis.host.testplugins.TestPlugins;
import dev.chrysalis.host.testplugins.TestRouter;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Swaps that involve the agent loop: the harness itself, and a skill with an abandoned call in flight. */
class HarnessSwapTest {

    @TempDir
    Path temp;

    @Test
    void swappingTheHarnessChangesTheHooksOfTheNextTurnAndItsRecordedDigests() throws Exception {
        Path plugins = temp.resolve("plugins");
        Path bundles = TestPlugins.bundlesDir(temp.resolve("bundles"), BenchBundles.write(plugins, "1.0.0"),
                TestPlugins.harness(plugins));
        // version 2 of the harness drops the zeta hook
        Path harness2 = BundleJarBuilder.bundle("test.harness", "2.0.0")
                .header("Chrysalis-Plugin-Kind", "harness").header("Import-Package", TestPlugins.SPI_IMPORTS)
                .classes(TestRouter.class, AlphaHook.class)
                .component("test.router", TestRouter.class, Router.class)
                .component("test.hook.alpha", AlphaHook.class, Hook.class)
                .write(temp.resolve("offered").resolve("test-harness-2.jar"));
        try (Host host = Host.start(HostConfig.of(temp.resolve("data"), bundles))) {
            AgentSession session = host.agent().newSession();
            CompletedTurn before = session.ask("echo 1");
            assertEquals("zeta,alpha,", before.turn().attributes().get("order.before"));

            String digest2 = host.runtime().swap("test-router", harness2).toDigest();

            CompletedTurn after = session.ask("echo 2");
            assertEquals("alpha,", after.turn().attributes().get("order.before"));
            assertEquals(digest2, after.bundleDigests().get("test.harness"));
            assertNotEquals(before.bundleDigests().get("test.harness"), after.bundleDigests().get("test.harness"));
            assertEquals(List.of("alpha"), after.servedBy().stream()
                    .filter(s -> s.role() == ServedBy.Role.HOOK).map(ServedBy::name).toList());
        }
    }

    @Test
    void aTimedOutCallThatIgnoresInterruptsDoesNotHoldUpTheSwapOfItsSkill() throws Exception {
        Path plugins = temp.resolve("plugins");
        Path bundles = TestPlugins.bundlesDir(temp.resolve("bundles"), BenchBundles.write(plugins, "1.0.0"),
                TestPlugins.harness(plugins), TestPlugins.tools(plugins));
        Path tools2 = TestPlugins.tools(temp.resolve("offered"), "2.0.0");
        try (Host host = Host.start(HostConfig.of(temp.resolve("data"), bundles)
                .withLimits(new SkillLimits(Duration.ofMillis(200), 64 * 1024, 1 << 20)))) {
            CompletedTurn hung = host.agent().newSession().ask("stubborn 15000");
            assertEquals(FailureKind.SKILL_TIMEOUT, hung.failures().getFirst().kind());

            long t0 = System.nanoTime();
            host.runtime().swap("test.tools", tools2);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertTrue(took.compareTo(Duration.ofMillis(8000)) < 0, "the swap waited for the abandoned call: " + took);
            assertEquals("2.0.0", host.runtime().plugin("sleepy").orElseThrow().version());
        }
    }
}
