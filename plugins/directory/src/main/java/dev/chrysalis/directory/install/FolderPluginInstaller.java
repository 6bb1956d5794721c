package dev.chrysalis.directory.install;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.chrysalis.directory.DirectoryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs into a plugins folder: each jar as {@code <id>-<version>.jar} and the installed state in
 * {@code directory-installed.json}. Writes go to a temporary file first and are moved into place, and the state
 * file is written after the jar, so a crash leaves at worst an unlisted jar, never a listed jar that is missing.
 */
public final class FolderPluginInstaller implements PluginInstaller {
    public static final String STATE_FILE = "directory-installed.json";
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A stored row (Instant kept as text so no extra Jackson module is needed). */
    private record Row(String id, String version, String sha256, String fileName, String publisherKeyId, String tier,
                       List<String> imports, List<String> exports, List<String> provides, List<String> requires,
                       String installedAt) {
    }

    public FolderPluginInstaller(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized List<InstalledBundle> installed() {
        Path state = dir.resolve(STATE_FILE);
        if (!Files.exists(state)) {
            return List.of();
        }
        try {
            List<Row> rows = json.readValue(state.toFile(), new TypeReference<List<Row>>() {
            });
            return rows.stream().map(r -> new InstalledBundle(r.id(), r.version(), r.sha256(), r.fileName(),
                    r.publisherKeyId(), r.tier(), r.imports() == null ? List.of() : r.imports(),
                    r.exports() == null ? List.of() : r.exports(),
                    r.provides() == null ? List.of() : r.provides(),
                    r.requires() == null ? List.of() : r.requires(), Instant.parse(r.installedAt()))).toList();
        } catch (IOException | RuntimeException e) {
            throw new DirectoryException("installed-state file " + state + " cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void install(InstalledBundle bundle, byte[] jar) {
        List<InstalledBundle> all = new ArrayList<>(installed());
        if (all.stream().anyMatch(b -> b.id().equals(bundle.id()))) {
            throw new DirectoryException(bundle.id() + " is already installed in " + dir);
        }
        writeJar(bundle.fileName(), jar);
        all.add(bundle);
        save(all);
    }

    @Override
    public synchronized void replace(InstalledBundle old, InstalledBundle replacement, byte[] jar, List<String> refresh) {
        List<InstalledBundle> all = new ArrayList<>(installed());
        if (!all.removeIf(b -> b.id().equals(old.id()))) {
            throw new DirectoryException(old.id() + " is not installed in " + dir);
        }
        writeJar(replacement.fileName(), jar);
        all.add(replacement);
        save(all);
        if (!old.fileName().equals(replacement.fileName())) {
            deleteQuietly(old.fileName());
        }
    }

    @Override
    public synchronized void remove(InstalledBundle bundle, List<String> refresh) {
        List<InstalledBundle> all = new ArrayList<>(installed());
        if (!all.removeIf(b -> b.id().equals(bundle.id()))) {
            throw new DirectoryException(bundle.id() + " is not installed in " + dir);
        }
        save(all);
        deleteQuietly(bundle.fileName());
    }

    private void writeJar(String fileName, byte[] jar) {
        if (fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new DirectoryException("refusing jar file name '" + fileName + "'");
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".install", ".part");
            Files.write(tmp, jar);
            Files.move(tmp, dir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DirectoryException("cannot write " + fileName + " into " + dir + ": " + e.getMessage(), e);
        }
    }

    private void save(List<InstalledBundle> all) {
        List<Row> rows = all.stream().map(b -> new Row(b.id(), b.version(), b.sha256(), b.fileName(), b.publisherKeyId(),
                b.tier(), b.imports(), b.exports(), b.provides(), b.requires(), b.installedAt().toString())).toList();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".state", ".part");
            json.writeValue(tmp.toFile(), rows);
            Files.move(tmp, dir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DirectoryException("cannot write installed-state file in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void deleteQuietly(String fileName) {
        try {
            Files.deleteIfExists(dir.resolve(fileName));
        } catch (IOException e) {
            System.getLogger(FolderPluginInstaller.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete old jar " + fileName + ": " + e.getMessage());
        }
    }
}
