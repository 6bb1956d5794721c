package dev.chrysalis.evolution.build;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import dev.chrysalis.evolution.workspace.PluginSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes an OSGi bundle of compiled plugin classes with bndlib, with the instructions the shipped plugins'
 * builds use (symbolic name, plugin kind, capabilities, {@code -dsannotations: *}, no extra headers) plus
 * {@code -reproducible} so the same classes always give the same SHA-256. The plugin's documentation and
 * replay.jsonl ship at the bundle root, as in the shipped builds.
 */
public final class BundlePackager {
    private final List<Path> classpath;

    /** @param classpath the jars the classes were compiled against (bnd versions the imports from them) */
    public BundlePackager(List<Path> classpath) {
        this.classpath = List.copyOf(classpath);
    }

    /**
     * @param classes   class file path -> bytes
     * @param resources root resources (e.g. SKILL.md, replay.jsonl) -> text
     * @param version   the Bundle-Version the candidate carries
     * @param outputJar where to write the bundle
     */
    public PackagedBundle pack(PluginSource plugin, Map<String, byte[]> classes, Map<String, String> resources,
                               String version, Path outputJar) {
        Path staging = outputJar.resolveSibling(outputJar.getFileName() + ".classes");
        try {
            deleteTree(staging);
            for (var e : classes.entrySet()) {
                Path p = staging.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
            TreeSet<String> packages = classes.keySet().stream().filter(n -> n.contains("/"))
                    .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.')).collect(Collectors.toCollection(TreeSet::new));
            Path resourceDir = staging.resolveSibling(outputJar.getFileName() + ".resources");
            deleteTree(resourceDir);
            Files.createDirectories(resourceDir);
            StringBuilder include = new StringBuilder();
            for (var r : resources.entrySet()) {
                Files.writeString(resourceDir.resolve(r.getKey()), r.getValue());
                include.append(include.isEmpty() ? "" : ",").append(r.getKey()).append('=').append(resourceDir.resolve(r.getKey()));
            }
            try (Builder b = new Builder()) {
                b.setProperty("Bundle-SymbolicName", plugin.symbolicName());
                b.setProperty("Bundle-Version", version);
                b.setProperty("Chrysalis-Plugin-Kind", plugin.kind());
                b.setProperty("Chrysalis-Capabilities", plugin.capabilities());
                b.setProperty("-noextraheaders", "true");
                b.setProperty("-reproducible", "true");
                b.setProperty("-dsannotations", "*");
                b.setProperty("Private-Package", String.join(",", packages));
                b.setProperty("Import-Package", "*");
                if (!include.isEmpty()) {
                    b.setProperty("-includeresource", include.toString());
                }
                b.addClasspath(staging.toFile());
                for (Path p : classpath) {
                    b.addClasspath(p.toFile());
                }
                Jar jar = b.build();
                if (!b.getErrors().isEmpty()) {
                    throw new PackagingException("bnd could not build " + plugin.symbolicName() + " " + version + ": " + b.getErrors(), null);
                }
                Files.createDirectories(outputJar.toAbsolutePath().getParent());
                jar.write(outputJar.toFile());
            }
            deleteTree(staging);
            deleteTree(resourceDir);
            return new PackagedBundle(outputJar, sha256(outputJar), plugin.symbolicName(), version);
        } catch (PackagingException e) {
            throw e;
        } catch (Exception e) {
            throw new PackagingException("cannot package " + plugin.symbolicName() + " to " + outputJar + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
