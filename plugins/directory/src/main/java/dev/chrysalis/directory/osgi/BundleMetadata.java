package dev.chrysalis.directory.osgi;

import dev.chrysalis.directory.skills.SkillMd;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * What a bundle says about itself: identity and version, name and description, the packages it imports and
 * exports, the generic capabilities it provides and requires, and its SKILL.md when it has one at the jar root.
 */
public record BundleMetadata(String symbolicName, Version version, String name, String description,
                             List<PackageImport> imports, List<PackageExport> exports,
                             List<HeaderClause> provided, List<HeaderClause> required, Optional<String> skillMd) {
    /** SKILL.md larger than this is not read (it is documentation, not data). */
    public static final int MAX_SKILL_MD = 256 * 1024;

    public BundleMetadata {
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
        provided = List.copyOf(provided);
        required = List.copyOf(required);
    }

    /** @throws ManifestFormatException when the jar has no manifest, no symbolic name, or a header that does not parse */
    public static BundleMetadata read(byte[] jar, String source) {
        Manifest manifest;
        Optional<String> skill = Optional.empty();
        try (var in = new JarInputStream(new ByteArrayInputStream(jar), false)) {
            manifest = in.getManifest();
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals("SKILL.md")) {
                    byte[] bytes = in.readNBytes(MAX_SKILL_MD + 1);
                    if (bytes.length <= MAX_SKILL_MD) {
                        skill = Optional.of(new String(bytes, StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (IOException e) {
            throw new ManifestFormatException(source + ": not a readable jar (" + e.getMessage() + ")");
        }
        if (manifest == null) {
            throw new ManifestFormatException(source + ": jar has no META-INF/MANIFEST.MF");
        }
        return fromManifest(manifest, skill, source);
    }

    public static BundleMetadata fromManifest(Manifest manifest, Optional<String> skillMd, String source) {
        Attributes a = manifest.getMainAttributes();
        String bsn = a.getValue("Bundle-SymbolicName");
        if (bsn == null || bsn.isBlank()) {
            throw new ManifestFormatException(source + ": manifest has no Bundle-SymbolicName");
        }
        String id = HeaderClause.parse(bsn, source + " Bundle-SymbolicName").getFirst().name();
        String v = a.getValue("Bundle-Version");
        Version version = v == null ? Version.ZERO : Version.parse(v, source + " Bundle-Version");
        String name = Optional.ofNullable(a.getValue("Bundle-Name")).orElse(id);
        String description = Optional.ofNullable(a.getValue("Bundle-Description")).orElse("");
        return new BundleMetadata(id, version, name, description,
                PackageImport.parse(a.getValue("Import-Package"), source),
                PackageExport.parse(a.getValue("Export-Package"), source),
                HeaderClause.parse(a.getValue("Provide-Capability"), source + " Provide-Capability"),
                HeaderClause.parse(a.getValue("Require-Capability"), source + " Require-Capability"),
                skillMd);
    }

    /** The SKILL.md description, else its first paragraph, else the bundle description; at most 300 characters. */
    public String summary() {
        String s = skillMd.map(md -> SkillMd.summaryOf(md)).filter(x -> !x.isBlank()).orElse(description);
        s = s.replaceAll("\\s+", " ").strip();
        return s.length() <= 300 ? s : s.substring(0, 297) + "...";
    }
}
