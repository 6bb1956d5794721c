package dev.chrysalis.directory.skills;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.directory.osgi.BundleMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Agent Skills interop. {@link #importFolder} takes a folder holding a standard SKILL.md (front matter with
 * name and description, markdown instructions) and its resource files, and stores it as an instructions-only
 * skill under {@code <plugins>/instruction-skills/<name>/} with a {@code skill.json} record. Java code is
 * refused (class files and jars): such a skill must come as a bundle through the directory, where it is signed
 * and scanned. {@link #exportSkill} writes one of our skill bundles' SKILL.md to a folder in the same format.
 */
public final class AgentSkills {
    public static final String FOLDER = "instruction-skills";
    public static final String RECORD = "skill.json";
    public static final long MAX_FILE_BYTES = 8L * 1024 * 1024;
    public static final long MAX_TOTAL_BYTES = 64L * 1024 * 1024;
    public static final int MAX_FILES = 2000;
    private final Path pluginsDir;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public AgentSkills(Path pluginsDir, Clock clock) {
        this.pluginsDir = pluginsDir;
        this.clock = clock;
    }

    /** @throws SkillFormatException naming the folder and the problem; nothing is stored when it throws */
    public InstructionSkill importFolder(Path source, boolean replace) {
        Path md = source.resolve("SKILL.md");
        if (!Files.isRegularFile(md, LinkOption.NOFOLLOW_LINKS)) {
            throw new SkillFormatException(source + ": no SKILL.md in the folder");
        }
        String text;
        try {
            if (Files.size(md) > MAX_FILE_BYTES) {
                throw new SkillFormatException(md + ": larger than " + MAX_FILE_BYTES + " bytes");
            }
            text = Files.readString(md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkillFormatException(md + ": cannot read (" + e.getMessage() + ")");
        }
        SkillMd skill = SkillMd.parse(text, md.toString());
        List<String> resources = resources(source);
        Path target = pluginsDir.resolve(FOLDER).resolve(skill.name());
        if (Files.exists(target) && !replace) {
            throw new SkillFormatException("an instructions-only skill '" + skill.name() + "' is already imported at "
                    + target + " (use --force to replace it)");
        }
        Path staging;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), "." + skill.name() + ".import");
            Files.copy(md, staging.resolve("SKILL.md"));
            for (String r : resources) {
                Path to = staging.resolve(r);
                Files.createDirectories(to.getParent());
                Files.copy(source.resolve(r), to);
            }
            String digest = digest(staging, resources);
            ObjectNode rec = json.createObjectNode();
            rec.put("name", skill.name()).put("description", skill.description()).put("kind", "instructions")
                    .put("sha256", digest).put("importedFrom", source.toAbsolutePath().toString())
                    .put("importedAt", clock.instant().toString());
            var arr = rec.putArray("resources");
            resources.forEach(arr::add);
            json.writeValue(staging.resolve(RECORD).toFile(), rec);
            Path old = target.resolveSibling("." + skill.name() + ".replaced");
            if (Files.exists(target)) {
                if (Files.exists(old)) {
                    deleteTree(old);
                }
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            if (Files.exists(old)) {
                deleteTree(old);
            }
            return new InstructionSkill(skill.name(), skill.description(), target, resources, digest);
        } catch (IOException e) {
            throw new SkillFormatException("cannot store skill '" + skill.name() + "' under " + target + ": " + e.getMessage());
        }
    }

    /** The imported instructions-only skills, by name; a broken record is skipped with a warning. */
    public List<InstructionSkill> list() {
        Path dir = pluginsDir.resolve(FOLDER);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<InstructionSkill> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(x -> !x.getFileName().toString().startsWith(".")).sorted().toList()) {
                try {
                    JsonNode rec = json.readTree(p.resolve(RECORD).toFile());
                    List<String> res = new ArrayList<>();
                    rec.path("resources").forEach(r -> res.add(r.asText()));
                    out.add(new InstructionSkill(rec.path("name").asText(), rec.path("description").asText(), p, res,
                            rec.path("sha256").asText()));
                } catch (IOException e) {
                    System.getLogger(AgentSkills.class.getName()).log(System.Logger.Level.WARNING,
                            "skipping instructions-only skill " + p + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new SkillFormatException("cannot list " + dir + ": " + e.getMessage());
        }
        return out;
    }

    /**
     * Writes the SKILL.md of a skill bundle to {@code <out>/<name>/SKILL.md}. A SKILL.md without front matter gets
     * one made from the bundle (name from the symbolic name's last segment, description from the summary).
     */
    public Path exportSkill(byte[] jar, String source, Path out) {
        BundleMetadata meta = BundleMetadata.read(jar, source);
        String text = meta.skillMd().orElseThrow(() -> new SkillFormatException(source + " (" + meta.symbolicName()
                + ") has no SKILL.md at the jar root"));
        SkillMd skill;
        if (SkillMd.frontMatter(text).isPresent()) {
            skill = SkillMd.parse(text, source + "!/SKILL.md");
        } else {
            String bsn = meta.symbolicName();
            String name = bsn.substring(bsn.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
            String desc = meta.summary().isBlank() ? meta.name() : meta.summary();
            skill = new SkillMd(name, desc, new TreeMap<>(), text);
        }
        Path dir = out.resolve(skill.name());
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("SKILL.md");
            Files.writeString(file, skill.render(), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new SkillFormatException("cannot write " + dir + ": " + e.getMessage());
        }
    }

    private static List<String> resources(Path source) {
        List<String> out = new ArrayList<>();
        long[] total = {0};
        try {
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(source) && dir.getFileName().toString().startsWith(".")
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = source.relativize(file).toString().replace('\\', '/');
                    String name = file.getFileName().toString();
                    if (rel.equals("SKILL.md") || name.startsWith(".")) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isSymbolicLink() || !attrs.isRegularFile()) {
                        throw new SkillFormatException(source + ": " + rel + " is a link or special file; only plain files can be imported");
                    }
                    if (name.endsWith(".class") || name.endsWith(".jar")) {
                        throw new SkillFormatException(source + ": " + rel + " is Java code; an instructions-only skill has"
                                + " none (publish code as a bundle through the directory)");
                    }
                    if (attrs.size() > MAX_FILE_BYTES) {
                        throw new SkillFormatException(source + ": " + rel + " is larger than " + MAX_FILE_BYTES + " bytes");
                    }
                    total[0] += attrs.size();
                    if (total[0] > MAX_TOTAL_BYTES || out.size() >= MAX_FILES) {
                        throw new SkillFormatException(source + ": more than " + MAX_FILES + " files or "
                                + MAX_TOTAL_BYTES + " bytes of resources");
                    }
                    out.add(rel);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SkillFormatException(source + ": cannot read the folder (" + e.getMessage() + ")");
        }
        out.sort(null);
        return out;
    }

    private static String digest(Path dir, List<String> resources) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> all = new ArrayList<>(resources);
        all.add(0, "SKILL.md");
        for (String r : all) {
            md.update(r.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(Files.readAllBytes(dir.resolve(r)));
            md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
