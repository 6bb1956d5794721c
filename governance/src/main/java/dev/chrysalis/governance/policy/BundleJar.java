package dev.chrysalis.governance.policy;

import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.CapabilityDeclaration;
import dev.chrysalis.governance.capability.UnknownCapabilityException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * A bundle jar read into memory: its bytes, SHA-256, symbolic name, declared capabilities, class digests and
 * source files (any {@code .java} entry, e.g. bnd's {@code OSGI-OPT/src}).
 */
public record BundleJar(String source, byte[] bytes, String digest, String symbolicName, Set<Capability> declared,
                        Map<String, String> classDigests, Map<String, String> sources) {
    private static final long MAX_JAR_BYTES = 256L * 1024 * 1024;

    public static BundleJar read(Path file) {
        try {
            if (Files.size(file) > MAX_JAR_BYTES) {
                throw new BundleFormatException(file + ": larger than " + MAX_JAR_BYTES + " bytes");
            }
            return of(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new BundleFormatException("cannot read bundle " + file + ": " + e.getMessage());
        }
    }

    public static BundleJar of(byte[] bytes, String source) {
        Map<String, String> classes = new TreeMap<>();
        Map<String, String> sources = new TreeMap<>();
        Manifest manifest;
        try (var jar = new JarInputStream(new ByteArrayInputStream(bytes), false)) {
            manifest = jar.getManifest();
            ZipEntry e;
            while ((e = jar.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                byte[] content = jar.readAllBytes();
                if (e.getName().endsWith(".class")) {
                    classes.put(e.getName(), sha256(content));
                } else if (e.getName().endsWith(".java")) {
                    String name = e.getName().startsWith("OSGI-OPT/src/") ? e.getName().substring(13) : e.getName();
                    sources.put(name, new String(content, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new BundleFormatException(source + ": not a readable jar (" + e.getMessage() + ")");
        }
        if (manifest == null) {
            throw new BundleFormatException(source + ": jar has no META-INF/MANIFEST.MF");
        }
        String bsn = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        if (bsn == null || bsn.isBlank()) {
            throw new BundleFormatException(source + ": manifest has no Bundle-SymbolicName");
        }
        bsn = bsn.split(";")[0].strip();
        Set<Capability> declared;
        try {
            declared = CapabilityDeclaration.fromManifest(manifest, source);
        } catch (UnknownCapabilityException e) {
            throw new BundleFormatException(e.getMessage());
        }
        return new BundleJar(source, bytes, sha256(bytes), bsn, declared, classes, sources);
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BundleJar b && b.digest.equals(digest);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "BundleJar[" + symbolicName + " " + digest + "]";
    }
}
