package dev.chrysalis.directory;

import dev.chrysalis.directory.index.DirectoryIndex;
import dev.chrysalis.directory.index.IndexCodec;
import dev.chrysalis.directory.index.IndexEntry;
import dev.chrysalis.directory.index.RepositoryXml;
import dev.chrysalis.directory.index.Scorecard;
import dev.chrysalis.directory.keys.PublisherKey;
import dev.chrysalis.directory.osgi.BundleMetadata;
import dev.chrysalis.directory.osgi.ManifestFormatException;
import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.Capability;
import dev.chrysalis.governance.capability.CapabilityCheck;
import dev.chrysalis.governance.capability.CapabilityVerdict;
import dev.chrysalis.governance.capability.ScanReport;
import dev.chrysalis.governance.capability.TrustTier;
import dev.chrysalis.governance.policy.BundleFormatException;
import dev.chrysalis.governance.policy.BundleJar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;

/**
 * Publishes bundles into a directory folder: {@code bundles/<id>-<version>.jar}, {@code index.json} (one signed entry
 * per version) and {@code repository.xml}. A publisher holds a lock file while it rewrites the index, and writes
 * each file to a temporary name before moving it into place, so a server reading the folder never sees half an
 * index.
 */
public final class Publisher {
    public static final String INDEX = "index.json";
    public static final String REPOSITORY = "repository.xml";
    public static final String BUNDLES = "bundles";
    private final Path folder;
    private final PublisherKey key;
    private final BytecodeScanner scanner;
    private final Clock clock;
    private final IndexCodec codec = new IndexCodec();

    public Publisher(Path folder, PublisherKey key, BytecodeScanner scanner, Clock clock) {
        this.folder = folder;
        this.key = key;
        this.scanner = scanner;
        this.clock = clock;
    }

    /**
     * What to publish beside the jar.
     *
     * @param tier        the trust tier the entry claims (the scan must be safe under it)
     * @param replayCases how many replay cases ran (absent: counted from the jar's replay.jsonl when it has one)
     * @param passRate    the share that passed, 0..1, when they were run
     * @param lineage     evidence ids that produced this version
     * @param replace     replace an entry of the same id and version whose jar differs
     */
    public record Options(TrustTier tier, OptionalInt replayCases, OptionalDouble passRate, List<String> lineage,
                          boolean replace) {
        public Options {
            lineage = List.copyOf(lineage);
        }

        public static Options of(TrustTier tier) {
            return new Options(tier, OptionalInt.empty(), OptionalDouble.empty(), List.of(), false);
        }
    }

    public IndexEntry publish(Path jarFile, Options options) {
        byte[] jar;
        try {
            jar = Files.readAllBytes(jarFile);
        } catch (IOException e) {
            throw new DirectoryException("cannot read " + jarFile + ": " + e.getMessage(), e);
        }
        return publish(jar, jarFile.getFileName().toString(), options);
    }

    public IndexEntry publish(byte[] jar, String source, Options options) {
        BundleMetadata meta;
        BundleJar bundle;
        try {
            meta = BundleMetadata.read(jar, source);
            bundle = BundleJar.of(jar, source);
        } catch (ManifestFormatException | BundleFormatException e) {
            throw new DirectoryException("cannot publish " + source + ": " + e.getMessage(), e);
        }
        ScanReport scan = scanner.scan(jar, source);
        CapabilityVerdict verdict = CapabilityCheck.check(scan, bundle.declared(), options.tier().defaultCapabilities());
        if (verdict instanceof CapabilityVerdict.Unsafe u) {
            throw new DirectoryException("cannot publish " + source + " as tier " + options.tier().id()
                    + ": the capability scan is unsafe:\n  " + String.join("\n  ", u.reasons()));
        }
        OptionalInt cases = options.replayCases().isPresent() ? options.replayCases() : replayCasesIn(jar);
        Scorecard card = new Scorecard(cases, options.passRate(), new Scorecard.CapabilityScan("safe",
                ids(bundle.declared()), ids(scan.usedCapabilities()), List.of()), options.lineage());
        String sha = BundleJar.sha256(jar);
        String fileName = meta.symbolicName() + "-" + meta.version() + ".jar";
        IndexEntry unsigned = new IndexEntry(meta.symbolicName(), meta.version(), meta.name(), meta.description(),
                meta.summary(), clauses(meta.provided()), clauses(meta.required()),
                meta.imports().stream().map(Object::toString).toList(),
                meta.exports().stream().map(Object::toString).toList(), sha, jar.length, BUNDLES + "/" + fileName,
                clock.instant(), key.keyId(), options.tier().id(), card, "-");
        IndexEntry signed = unsigned.withSignature(key.sign(codec.canonical(unsigned)));
        try {
            Files.createDirectories(folder.resolve(BUNDLES));
            try (FileChannel ch = FileChannel.open(folder.resolve(".publish.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lock(ch)) {
                DirectoryIndex index = Files.exists(folder.resolve(INDEX))
                        ? codec.read(Files.readAllBytes(folder.resolve(INDEX)), folder.resolve(INDEX).toString())
                        : DirectoryIndex.empty(folder.toString());
                if (!index.problems().isEmpty()) {
                    throw new DirectoryException("refusing to rewrite " + folder.resolve(INDEX) + ": it has entries that"
                            + " do not load, and rewriting would drop them; repair it first:\n  "
                            + String.join("\n  ", index.problems().stream().map(Object::toString).toList()));
                }
                List<IndexEntry> entries = new ArrayList<>();
                for (IndexEntry e : index.entries()) {
                    boolean same = e.id().equals(signed.id()) && e.version().equals(signed.version());
                    if (same && !e.sha256().equals(sha) && !options.replace()) {
                        throw new DirectoryException(signed.coordinates() + " is already published with a different jar ("
                                + e.sha256() + "); publish a new version, or replace it on purpose (--replace)");
                    }
                    if (!same) {
                        entries.add(e);
                    }
                }
                entries.add(signed);
                writeAtomically(folder.resolve(BUNDLES).resolve(fileName), jar);
                writeAtomically(folder.resolve(INDEX), codec.write(entries));
                writeAtomically(folder.resolve(REPOSITORY), RepositoryXml.write(folder.getFileName() == null ? "directory"
                        : folder.getFileName().toString(), clock.instant(), entries).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new DirectoryException("cannot publish into " + folder + ": " + e.getMessage(), e);
        }
        return signed;
    }

    /**
     * The folder's publish lock: a file lock excludes other processes; within this JVM a second publisher on the
     * same folder gets {@link OverlappingFileLockException} and waits its turn.
     */
    private FileLock lock(FileChannel ch) throws IOException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return ch.lock();
            } catch (OverlappingFileLockException busy) {
                if (System.nanoTime() > deadline) {
                    throw new DirectoryException("another publisher has held " + folder.resolve(".publish.lock")
                            + " for over 60 s; giving up");
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DirectoryException("interrupted while waiting to publish into " + folder, e);
                }
            }
        }
    }

    private static List<String> ids(java.util.Set<Capability> caps) {
        return caps.stream().map(Capability::id).sorted().toList();
    }

    private static List<String> clauses(List<dev.chrysalis.directory.osgi.HeaderClause> cs) {
        return cs.stream().map(dev.chrysalis.directory.osgi.HeaderClause::text).toList();
    }

    static OptionalInt replayCasesIn(byte[] jar) {
        try (var in = new JarInputStream(new ByteArrayInputStream(jar), false)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals("replay.jsonl")) {
                    String text = new String(in.readNBytes(16 * 1024 * 1024), StandardCharsets.UTF_8);
                    return OptionalInt.of((int) text.lines().filter(l -> !l.isBlank()).count());
                }
            }
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
