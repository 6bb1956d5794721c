package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentConfig;
import dev.chrysalis.host.agent.AgentSession;
import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.host.agent.TurnRecorder;
import dev.chrysalis.host.bench.BenchBrain;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.bench.BundleJarBuilder;
import dev.chrysalis.host.testplugins.TestPlugins;
import dev.chrysalis.host.testplugins.ThrowingActivator;
import dev.chrysalis.host.testplugins.ThrowingSkill;
import dev.chrysalis.spi.skill.Skill;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad jar is refused with a clear message, leaves nothing installed, and 1.0.0 keeps serving. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadJarTest {

    @TempDir
    static Path temp;

    private PluginRuntime runtime;
    private AgentSession session;
    private String liveDigest;
    private final List<PluginEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        runtime = PluginRuntime.start(RuntimeConfig.of(temp.resolve("data"), TestPlugins.bundlesDir(temp.resolve("bundles"), v1))
                .withListener(events::add).withActivationTimeout(Duration.ofSeconds(1)));
        liveDigest = runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME);
        Agent agent = new Agent(runtime, new BenchBrain(), TurnRecorder.none(), Clock.systemUTC(), new SplittableRandom(3),
                AgentConfig.under(temp.resolve("data")));
        session = agent.newSession();
    }

    @AfterAll
    void stop() {
        runtime.close();
    }

    static Stream<Arguments> badJars() {
        return Stream.of(
                bad("not a zip", dir -> write(dir.resolve("text.jar"), "this is not a jar at all")),
                bad("empty file", dir -> write(dir.resolve("empty.jar"), "")),
                bad("missing file", dir -> dir.resolve("nowhere.jar")),
                bad("no manifest", BadJarTest::zipWithoutManifest),
                bad("not an OSGi bundle", BadJarTest::plainJar),
                bad("wrong symbolic name", dir -> BenchBundles.echo("3.0.0")
                        .header("Bundle-SymbolicName", "dev.chrysalis.skill.other").write(dir.resolve("other.jar"))),
                bad("wrong plugin kind", dir -> BenchBundles.echo("3.0.0")
                        .header("Chrysalis-Plugin-Kind", "harness").write(dir.resolve("kind.jar"))),
                bad("unresolved import", dir -> BenchBundles.echo("3.0.0")
                        .header("Import-Package", TestPlugins.SPI_IMPORTS + ",com.example.missing;version=\"[1,2)\"")
                        .write(dir.resolve("unresolved.jar"))),
                bad("activator throws", dir -> BenchBundles.echo("3.0.0")
                        .header("Import-Package", TestPlugins.SPI_IMPORTS + ",org.osgi.framework")
                        .header("Bundle-Activator", ThrowingActivator.class.getName())
                        .classes(ThrowingActivator.class).write(dir.resolve("activator.jar"))),
                bad("component throws on activation", dir -> BundleJarBuilder.bundle(BenchBundles.SYMBOLIC_NAME, "3.0.0")
                        .header("Chrysalis-Plugin-Kind", "skill").header("Import-Package", TestPlugins.SPI_IMPORTS)
                        .classes(ThrowingSkill.class).component("throwing", ThrowingSkill.class, Skill.class)
                        .write(dir.resolve("component.jar"))),
                bad("no skill service", dir -> BundleJarBuilder.bundle(BenchBundles.SYMBOLIC_NAME, "3.0.0")
                        .header("Chrysalis-Plugin-Kind", "skill").resource("readme.txt", "nothing here")
                        .write(dir.resolve("empty-bundle.jar"))));
    }

    private static Arguments bad(String name, Function<Path, Path> jar) {
        return Arguments.of(name, jar);
    }

    private static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("not a zip", "is not a zip file"),
            Map.entry("empty file", "is not a zip file"),
            Map.entry("missing file", "does not exist"),
            Map.entry("no manifest", "has no META-INF/MANIFEST.MF"),
            Map.entry("not an OSGi bundle", "Bundle-ManifestVersion: 2"),
            Map.entry("wrong symbolic name", "is bundle 'dev.chrysalis.skill.other', not plugin 'dev.chrysalis.bench.echo'"),
            Map.entry("wrong plugin kind", "is a skill plugin"),
            Map.entry("unresolved import", "com.example.missing"),
            Map.entry("activator throws", "activator refuses to start"),
            Map.entry("component throws on activation", "component refuses to activate"),
            Map.entry("no skill service", "registered no plugin service"));

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJars")
    void badJarIsRefusedWithAClearErrorAndTheOldVersionKeepsServing(String name, Function<Path, Path> make) throws IOException {
        Path dir = Files.createDirectories(temp.resolve("bad").resolve(name.replace(' ', '-')));
        Path jar = make.apply(dir);
        int eventsBefore = events.size();

        BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> runtime.swap(BenchBundles.SKILL, jar));

        assertTrue(e.getMessage().contains(EXPECTED.get(name)), "message for " + name + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(jar.toString()), "message names the jar: " + e.getMessage());
        assertEquals(liveDigest, runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME));
        assertEquals(List.of("1.0.0 ACTIVE"), runtime.installedBundles(BenchBundles.SYMBOLIC_NAME), "no leftover bundle");
        CompletedTurn turn = session.ask("echo 42");
        assertTrue(turn.failures().isEmpty(), turn.failures().toString());
        assertEquals("n=42 from version 1.0.0", turn.answer());
        assertEquals(eventsBefore + 1, events.size());
        PluginEvent.Rejected rejected = (PluginEvent.Rejected) events.getLast();
        assertEquals(e.getMessage(), rejected.reason());
        assertEquals(BenchBundles.SYMBOLIC_NAME, rejected.plugin());
    }

    @Test
    void theLiveJarItselfIsRefusedAsNoChange() {
        Path same = runtime.plugins().getFirst().liveJar();
        BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> runtime.swap(BenchBundles.SYMBOLIC_NAME, same));
        assertTrue(e.getMessage().contains("is already the live version"), e.getMessage());
    }

    @Test
    void anUnknownPluginIsRefusedNamingTheKnownOnes() {
        UnknownPluginException e = assertThrows(UnknownPluginException.class,
                () -> runtime.swap("no-such-skill", temp.resolve("x.jar")));
        assertTrue(e.getMessage().contains("'no-such-skill'") && e.getMessage().contains(BenchBundles.SYMBOLIC_NAME), e.getMessage());
    }

    @Test
    void rollbackOfANeverSwappedPluginIsRefused() {
        NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class, () -> runtime.rollback("echo"));
        assertTrue(e.getMessage().contains("no previous version"), e.getMessage());
    }

    private static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path zipWithoutManifest(Path dir) {
        Path file = dir.resolve("nomanifest.jar");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write("hello".getBytes());
            zip.closeEntry();
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path plainJar(Path dir) {
        Path file = dir.resolve("plain.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        manifest.getMainAttributes().putValue("Main-Class", "Hello");
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
