package dev.chrysalis.host.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A private folder for the framework's bundle cache on the machine's memory file system ({@code /dev/shm}).
 * The cache is scratch (emptied at every start; the truth is the plugin store), yet Felix writes it on every
 * install: the next bundle id, the bundle's state, a copy of the jar. On a disk those small rewrites wait on the
 * file system's journal, which under other I/O took most of a swap's wall time; in memory they cost microseconds.
 *
 * <p>Each folder is named after the owning process, so folders of processes that died without closing are
 * removed by the next one. {@value #PROPERTY}{@code =data} keeps the cache under the data directory instead
 * (it is also used where no memory file system exists or it has less than {@value #MIN_FREE_MB} MB free).
 */
final class ScratchCache {
    private static final System.Logger LOG = System.getLogger(ScratchCache.class.getName());
    static final String PROPERTY = "chrysalis.felix-cache";
    static final String PREFIX = "chrysalis-felix-cache-";
    static final long MIN_FREE_MB = 256;

    private ScratchCache() {
    }

    /** A new, empty folder for this process's cache on the memory file system, if it should and can be used. */
    static Optional<Path> inMemory() {
        return inMemory(Path.of("/dev/shm"), System.getProperty(PROPERTY, "memory"));
    }

    static Optional<Path> inMemory(Path memoryRoot, String choice) {
        switch (choice.toLowerCase(Locale.ROOT)) {
            case "data" -> {
                return Optional.empty();
            }
            case "memory" -> {
            }
            default -> throw new IllegalArgumentException(PROPERTY + " must be 'memory' or 'data', not '" + choice + "'");
        }
        try {
            if (!Files.isDirectory(memoryRoot) || !Files.isWritable(memoryRoot)
                    || Files.getFileStore(memoryRoot).getUsableSpace() < MIN_FREE_MB * 1024 * 1024) {
                return Optional.empty();
            }
            removeOrphans(memoryRoot);
            return Optional.of(Files.createTempDirectory(memoryRoot, PREFIX + ProcessHandle.current().pid() + "-"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            LOG.log(System.Logger.Level.INFO, "no bundle cache in memory under " + memoryRoot + " (" + e.getMessage()
                    + "); using the data directory");
            return Optional.empty();
        }
    }

    /** Removes cache folders whose process is gone. */
    static void removeOrphans(Path memoryRoot) throws IOException {
        try (Stream<Path> entries = Files.list(memoryRoot)) {
            for (Path dir : entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).toList()) {
                String rest = dir.getFileName().toString().substring(PREFIX.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try {
                    deleteTree(dir);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot remove the orphaned bundle cache " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
