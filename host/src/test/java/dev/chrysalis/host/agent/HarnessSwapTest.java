package dev.chrysalis.host.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.chrysalis.host.Host;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.bench.BundleJarBuilder;
import dev.chrysalis.host.testplugins.AlphaHook;
import dev.chrysalis.host.testplugins.TestPlugins;
import dev.chrysalis.host.testplugins.TestRouter;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router and hooks are plugins too: swapping the harness bundle changes the loop for the next turn. */
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
}
