package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.Host;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.sandbox.turn.ServedBy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real shipped skill and harness bundles, as provisioned by the build into -Dchrysalis.bundles. */
class ShippedPluginsTest {

    @TempDir
    Path temp;

    private static Path shipped() {
        return RuntimeConfig.defaultBundlesDir();
    }

    private static Set<String> shippedPluginNames() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> jars = Files.list(shipped())) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    var main = file.getManifest().getMainAttributes();
                    if (main.getValue(PluginKind.HEADER) != null) {
                        names.add(main.getValue("Bundle-SymbolicName").split(";")[0].trim());
                    }
                }
            }
        }
        return names;
    }

    @Test
    void everyShippedPluginStartsAndTheDefaultBrainAnswersWithTheShippedCalculator() throws IOException {
        Set<String> expected = shippedPluginNames();
        assertTrue(expected.contains("dev.chrysalis.skill.skill-calculator"), "calculator is shipped: " + expected);
        try (Host host = Host.start(HostConfig.of(temp.resolve("data"), shipped()))) {
            PluginRuntime runtime = host.runtime();
            assertEquals(java.util.Map.of(), runtime.failedPlugins());
            assertEquals(expected, new TreeSet<>(runtime.liveDigests().keySet()));
            for (PluginInfo plugin : runtime.plugins()) {
                assertEquals("ACTIVE", plugin.state(), plugin.toString());
                assertFalse(plugin.provides().isEmpty(), plugin + " registers no service");
            }
            assertTrue(runtime.acquireRouter().isPresent(), "a router is live");
            assertTrue(runtime.skillDocument("calculator").orElseThrow().startsWith("---"), "SKILL.md with front matter");

            CompletedTurn turn = host.agent().newSession().ask("what is 2+3*4");
            assertTrue(turn.answer().contains("14"), turn.answer());
            assertTrue(turn.failures().isEmpty(), turn.failures().toString());
            assertEquals(runtime.liveDigests().get("dev.chrysalis.skill.skill-calculator"),
                    turn.bundleDigests().get("dev.chrysalis.skill.skill-calculator"));
            assertTrue(turn.servedBy().stream().anyMatch(s -> s.role() == ServedBy.Role.ROUTER));
        }
    }

    @Test
    void theShippedCalculatorSwapsToARebuiltJarAndRollsBack() throws Exception {
        try (Host host = Host.start(HostConfig.of(temp.resolve("data"), shipped()))) {
            PluginRuntime runtime = host.runtime();
            PluginInfo calculator = runtime.plugin("calculator").orElseThrow();
            Path rebuilt = withVersion(calculator.liveJar(), "9.9.9", temp.resolve("calculator-9.9.9.jar"));

            SwapReport swap = runtime.swap("calculator", rebuilt);
            assertEquals("9.9.9", swap.toVersion());
            assertNotEquals(calculator.digest(), swap.toDigest());
            CompletedTurn turn = host.agent().newSession().ask("what is 6*7");
            assertTrue(turn.answer().contains("42"), turn.answer());
            assertEquals(swap.toDigest(), turn.bundleDigests().get(calculator.symbolicName()));

            SwapReport back = runtime.rollback("skill-calculator");
            assertEquals(calculator.digest(), back.toDigest());
            assertEquals(calculator.version(), runtime.plugin("calculator").orElseThrow().version());
            assertEquals(List.of(), runtime.plugin("calculator").orElseThrow().previousDigests());
        }
    }

    /** A copy of {@code jar} whose manifest says {@code Bundle-Version: version} (a "rebuilt" plugin). */
    static Path withVersion(Path jar, String version, Path out) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(jar); ZipInputStream zin = new ZipInputStream(in);
             ZipOutputStream zout = new ZipOutputStream(bytes)) {
            ZipEntry entry;
            while ((entry = zin.getNextEntry()) != null) {
                byte[] content = zin.readAllBytes();
                if (entry.getName().equals("META-INF/MANIFEST.MF")) {
                    Manifest manifest = new Manifest(new ByteArrayInputStream(content));
                    manifest.getMainAttributes().putValue("Bundle-Version", version);
                    ByteArrayOutputStream mf = new ByteArrayOutputStream();
                    manifest.write(mf);
                    content = mf.toByteArray();
                }
                zout.putNextEntry(new ZipEntry(entry.getName()));
                zout.write(content);
                zout.closeEntry();
            }
        }
        return Files.write(out, bytes.toByteArray());
    }
}
