package dev.chrysalis.host.testplugins;

import dev.chrysalis.host.bench.BundleJarBuilder;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Test bundles (written by hand from these test classes) and bundles folders for test runtimes. */
public final class TestPlugins {
    public static final String SPI_IMPORTS = "dev.chrysalis.spi.skill;version=\"[1.0,2)\","
            + "dev.chrysalis.spi.router;version=\"[1.0,2)\",dev.chrysalis.spi.hook;version=\"[1.0,2)\","
            + "com.fasterxml.jackson.databind;version=\"[2.0,3)\",com.fasterxml.jackson.databind.node;version=\"[2.0,3)\"";

    private TestPlugins() {
    }

    /** The harness bundle: the test router and the zeta (10) and alpha (20) hooks. */
    public static Path harness(Path dir) {
        return BundleJarBuilder.bundle("test.harness", "1.0.0")
                .header("Chrysalis-Plugin-Kind", "harness")
                .header("Import-Package", SPI_IMPORTS)
                .classes(TestRouter.class, ZetaHook.class, AlphaHook.class)
                .component("test.router", TestRouter.class, Router.class)
                .component("test.hook.zeta", ZetaHook.class, Hook.class)
                .component("test.hook.alpha", AlphaHook.class, Hook.class)
                .write(dir.resolve("test-harness.jar"));
    }

    /** The tools bundle: the sleepy, stubborn and crash skills. */
    public static Path tools(Path dir) {
        return tools(dir, "1.0.0");
    }

    public static Path tools(Path dir, String version) {
        return BundleJarBuilder.bundle("test.tools", version)
                .header("Chrysalis-Plugin-Kind", "skill")
                .header("Import-Package", SPI_IMPORTS)
                .classes(SleepySkill.class, CrashingSkill.class, StubbornSkill.class)
                .component("test.sleepy", SleepySkill.class, Skill.class)
                .component("test.crash", CrashingSkill.class, Skill.class)
                .component("test.stubborn", StubbornSkill.class, Skill.class)
                .write(dir.resolve("test-tools-" + version + ".jar"));
    }

    /** A skill bundle {@code test.probe} serving {@link NetProbeSkill}, declaring {@code capabilities} (null: no header). */
    public static Path probe(Path dir, String capabilities) {
        BundleJarBuilder b = BundleJarBuilder.bundle("test.probe", "1.0.0")
                .header("Chrysalis-Plugin-Kind", "skill")
                .header("Import-Package", SPI_IMPORTS)
                .classes(NetProbeSkill.class)
                .component("test.probe", NetProbeSkill.class, Skill.class);
        if (capabilities != null) {
            b.header("Chrysalis-Capabilities", capabilities);
        }
        return b.write(dir.resolve("test-probe-" + (capabilities == null ? "none" : capabilities.replaceAll("[^a-z]", "")) + ".jar"));
    }

    /** Version {@code version} of plugin {@code test.echo}, whose {@link ModeEchoSkill} behaves as {@code mode} says. */
    public static Path echo(Path dir, String version, String mode) {
        return BundleJarBuilder.bundle("test.echo", version)
                .header("Chrysalis-Plugin-Kind", "skill")
                .header("Import-Package", SPI_IMPORTS)
                .classes(ModeEchoSkill.class)
                .resource("echo-mode.txt", mode)
                .component("test.echo", ModeEchoSkill.class, Skill.class)
                .write(dir.resolve("test-echo-" + version + ".jar"));
    }

    /** A bundles folder holding the base bundles (SCR and the OSGi APIs, from -Dchrysalis.bundles) and {@code plugins}. */
    public static Path bundlesDir(Path dir, Path... plugins) {
        try {
            Files.createDirectories(dir);
            Path provisioned = Path.of(System.getProperty("chrysalis.bundles", "target/bundles"));
            try (Stream<Path> jars = Files.list(provisioned)) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                    try (JarFile file = new JarFile(jar.toFile())) {
                        if (file.getManifest().getMainAttributes().getValue("Chrysalis-Plugin-Kind") == null) {
                            Files.copy(jar, dir.resolve(jar.getFileName()));
                        }
                    }
                }
            }
            for (Path plugin : plugins) {
                Files.copy(plugin, dir.resolve(plugin.getFileName()));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
