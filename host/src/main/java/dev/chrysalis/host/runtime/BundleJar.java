package dev.chrysalis.host.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;

/**
 * A jar read into memory and checked to be an OSGi bundle: a zip with a manifest that declares
 * {@code Bundle-ManifestVersion: 2}, a symbolic name and a well-formed version. The bytes are what gets
 * installed, so what was checked and digested is exactly what runs. Its class files are kept as read in the same
 * pass ({@code classFiles}), for the host to define them before the first call.
 */
record BundleJar(String source, byte[] bytes, String digest, String symbolicName, String version,
                 Optional<PluginKind> kind, List<ClassFile> classFiles) {

    /** A class file of the jar: its path in the zip and its bytes. */
    record ClassFile(String path, byte[] bytes) {
    }

    static final long MAX_BYTES = 64L * 1024 * 1024;

    BundleJar {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        classFiles = List.copyOf(classFiles);
    }

    /**
     * Reads and checks the jar at {@code path}. One open and one size query (a swap waits for this, and each file
     * system call is a guarded call under the capability guard); a directory is told apart only when reading fails.
     */
    static BundleJar read(Path path) throws BundleRejectedException {
        byte[] bytes;
        try (SeekableByteChannel channel = Files.newByteChannel(path)) {
            long size = channel.size();
            if (size > MAX_BYTES) {
                throw new BundleRejectedException("jar " + path + " is " + size + " bytes; the limit is " + MAX_BYTES);
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until full; a file that shrank meanwhile ends early and is parsed as what was read
            }
            bytes = buffer.position() == buffer.capacity() ? buffer.array() : Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException e) {
            throw new BundleRejectedException("jar " + path + " does not exist");
        } catch (IOException e) {
            if (Files.isDirectory(path)) {
                throw new BundleRejectedException("jar " + path + " is a directory, not a jar file");
            }
            throw new BundleRejectedException("jar " + path + " cannot be read: " + e.getMessage(), e);
        }
        return parse(path.toString(), bytes);
    }

    static BundleJar parse(String source, byte[] bytes) throws BundleRejectedException {
        String digest = sha256(bytes);
        Manifest manifest = null;
        int entries = 0;
        List<ClassFile> classFiles = new ArrayList<>();
        // one pass: a zip stream inflates every entry to reach the next anyway, so the class files are kept
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                entries++;
                String name = entry.getName();
                if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    manifest = new Manifest(zip);
                } else if (!entry.isDirectory() && name.endsWith(".class")) {
                    classFiles.add(new ClassFile(name, zip.readAllBytes()));
                }
            }
        } catch (ZipException e) {
            throw new BundleRejectedException("jar " + source + " is not a valid zip file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BundleRejectedException("jar " + source + " cannot be read as a zip file: " + e.getMessage(), e);
        }
        if (entries == 0) {
            throw new BundleRejectedException("jar " + source + " is not a zip file (no zip entries found in "
                    + bytes.length + " bytes)");
        }
        if (manifest == null) {
            throw new BundleRejectedException("jar " + source + " has no META-INF/MANIFEST.MF, so it is not an OSGi bundle");
        }
        var main = manifest.getMainAttributes();
        String manifestVersion = main.getValue(Constants.BUNDLE_MANIFESTVERSION);
        if (manifestVersion == null || !manifestVersion.trim().equals("2")) {
            throw new BundleRejectedException("jar " + source + ": manifest has no 'Bundle-ManifestVersion: 2', so it is not an OSGi R4+ bundle");
        }
        String bsnHeader = main.getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (bsnHeader == null || bsnHeader.isBlank()) {
            throw new BundleRejectedException("jar " + source + ": manifest has no Bundle-SymbolicName");
        }
        String symbolicName = bsnHeader.split(";", 2)[0].trim();
        String versionHeader = Optional.ofNullable(main.getValue(Constants.BUNDLE_VERSION)).orElse("0.0.0").trim();
        String version;
        try {
            version = Version.parseVersion(versionHeader).toString();
        } catch (IllegalArgumentException e) {
            throw new BundleRejectedException("jar " + source + ": Bundle-Version '" + versionHeader + "' is not an OSGi version: " + e.getMessage());
        }
        String kindHeader = main.getValue(PluginKind.HEADER);
        Optional<PluginKind> kind = PluginKind.fromHeader(kindHeader);
        if (kindHeader != null && kind.isEmpty()) {
            throw new BundleRejectedException("jar " + source + ": " + PluginKind.HEADER + " '" + kindHeader
                    + "' is not one of skill, harness");
        }
        return new BundleJar(source, bytes, digest, symbolicName, version, kind, classFiles);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    /**
     * A fresh SHA-256 digest, cloned from one looked up once: {@link MessageDigest#getInstance} searches the security
     * providers and instantiates reflectively, which cost more than digesting a plugin jar.
     */
    private static MessageDigest newSha256() {
        try {
            return (MessageDigest) Sha256.PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return Sha256.lookUp();
        }
    }

    /** The prototype {@link #newSha256} clones; never updated itself. */
    private static final class Sha256 {
        static final MessageDigest PROTOTYPE = lookUp();

        static MessageDigest lookUp() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JDK has no SHA-256", e);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BundleJar other && other.digest.equals(digest) && other.source.equals(source);
    }

    @Override
    public int hashCode() {
        return digest.hashCode();
    }

    @Override
    public String toString() {
        return "BundleJar[" + symbolicName + " " + version + " from " + source + " sha256:" + digest + "]";
    }
}
