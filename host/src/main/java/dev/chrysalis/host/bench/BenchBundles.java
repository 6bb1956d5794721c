package dev.chrysalis.host.bench;

import dev.chrysalis.spi.skill.Skill;
import java.nio.file.Path;

/** The bench skill's bundle jars: one per version, identical but for the version they answer with. */
public final class BenchBundles {
    public static final String SYMBOLIC_NAME = "dev.chrysalis.bench.echo";
    public static final String SKILL = BenchSkill.NAME;

    private BenchBundles() {
    }

    /** A builder for the bench skill bundle answering {@code version} (callers may add or break headers). */
    public static BundleJarBuilder echo(String version) {
        return BundleJarBuilder.bundle(SYMBOLIC_NAME, version)
                .header("Chrysalis-Plugin-Kind", "skill")
                .header("Import-Package", "dev.chrysalis.spi.skill;version=\"[1.0,2)\","
                        + "com.fasterxml.jackson.databind;version=\"[2.0,3)\","
                        + "com.fasterxml.jackson.databind.node;version=\"[2.0,3)\"")
                .classes(BenchSkill.class)
                .resource("bench-version.txt", version)
                .resource("SKILL.md", "---\nname: " + SKILL + "\ndescription: echoes n, names the version\n---\nAnswers as version " + version + ".\n")
                .component("bench.echo", BenchSkill.class, Skill.class);
    }

    public static Path write(Path dir, String version) {
        return echo(version).write(dir.resolve("bench-echo-" + version + ".jar"));
    }
}
