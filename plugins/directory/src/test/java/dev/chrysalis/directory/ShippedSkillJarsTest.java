package dev.chrysalis.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.directory.skills.AgentSkills;
import dev.chrysalis.directory.skills.SkillMd;
import dev.chrysalis.governance.capability.TrustTier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The skill bundles Chrysalis ships, as built in this checkout (skills/<name>/target*), publish, resolve against
 * the host's base packages, install, and export their SKILL.md. Skipped when no skill jar has been built yet.
 */
class ShippedSkillJarsTest {
    static List<Path> skillJars() throws IOException {
        Path skills = Path.of(System.getProperty("user.dir")).resolve("../../skills").normalize();
        if (!Files.isDirectory(skills)) {
            return List.of();
        }
        Map<String, Path> newest = new TreeMap<>();
        try (Stream<Path> s = Files.find(skills, 3, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().matches("skill-[a-z]+-.*\\.jar") && p.getParent().getFileName().toString().startsWith("target"))) {
            for (Path p : s.toList()) {
                newest.merge(p.getFileName().toString(), p, (a, b) -> lastModified(a) >= lastModified(b) ? a : b);
            }
        }
        return new ArrayList<>(newest.values());
    }

    private static long lastModified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void shippedSkillJarsPublishInstallAndExportTheirSkillMd(@TempDir Path tmp) throws Exception {
        List<Path> jars = skillJars();
        assumeFalse(jars.isEmpty(), "no skill jar built in this checkout");
        var fx = new DirectoryFixture(tmp, TrustTier.VERIFIED);
        Directory d = fx.local();
        var skills = new AgentSkills(fx.plugins, DirectoryFixture.CLOCK);
        int installed = 0;
        for (Path built : jars) {
            // copy first: another build may be rewriting the jar in place
            Path jar = Files.copy(built, tmp.resolve(built.getFileName()));
            byte[] bytes = Files.readAllBytes(jar);
            try {
                dev.chrysalis.directory.osgi.BundleMetadata.read(bytes, jar.toString());
            } catch (DirectoryException half) {
                continue;
            }
            IndexEntry e;
            try {
                e = fx.publisher().publish(jar, Publisher.Options.of(TrustTier.VERIFIED));
            } catch (DirectoryException unsafe) {
                // a skill whose code uses capabilities its manifest does not declare must not get in
                assertTrue(unsafe.getMessage().contains("the capability scan is unsafe") && unsafe.getMessage().contains("undeclared"),
                        unsafe.getMessage());
                continue;
            }
            assertTrue(e.id().startsWith("dev.chrysalis.skill."), e.id());
            InstallReport r = d.install(e.id(), Optional.empty(), false, false);
            installed++;
            assertTrue(r.plan().wiring().stream().anyMatch(w -> w.startsWith("dev.chrysalis.spi.skill") && w.contains("<- host")),
                    jar + ": " + r.plan().wiring());
            if (dev.chrysalis.directory.osgi.BundleMetadata.read(bytes, jar.toString()).skillMd().isPresent()) {
                Path md = skills.exportSkill(bytes, jar.toString(), tmp.resolve("export"));
                SkillMd parsed = SkillMd.parse(Files.readString(md), md.toString());
                assertTrue(!parsed.description().isBlank(), md.toString());
            }
        }
        assumeFalse(installed == 0, "no complete, capability-clean skill jar found");
        assertEquals(installed, d.installer().installed().size());
    }
}
