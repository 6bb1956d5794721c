package dev.chrysalis.inference.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Large-page backing for the mapping of a big model file on Linux (best effort: never throws, does
 * nothing elsewhere). Decode streams every weight once per token; with 4 KiB pages that is one TLB miss
 * per 4 KiB, and in a virtual machine each miss walks two page tables. Measured on a 2-core KVM guest
 * (kernel 6.18, ext4), a Q4_0 matrix-vector kernel streaming 460 MB of a mapped model file ran at
 * 8.0 G weights per CPU-second with 2 MiB mappings against 5.5 with 4 KiB ones.
 *
 * <p>How: {@code madvise(MADV_HUGEPAGE)} on the mapping before it is first touched makes page-cache
 * reads through it allocate 2 MiB folios, which the kernel then maps with one PMD entry each. Pages
 * that are already cached in small folios (e.g. a file just written) keep them, so a caller can ask
 * {@link #pmdMapped} and, when not, drop the file's clean cached pages ({@link #dropPageCache}) and map
 * it again. The weights stay in the file mapping either way.
 */
public final class HugePages {

    static final long PMD_SIZE = 2L << 20;
    /** Smaller files are not worth a second look (their TLB cost is small). */
    static final long MIN_FILE_SIZE = 64L << 20;

    /** Pages sampled by {@link #pmdMapped}; a 64 MiB file has 32 of 2 MiB. */
    static final int PROBES = 16;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_DONTNEED = 4;
    private static final int PROT_READ_WRITE = 0x3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final int O_RDONLY = 0;
    private static final System.Logger LOG = System.getLogger(HugePages.class.getName());

    /** The probed byte, kept so the read that faults the page in is not optimised away. */
    private static volatile byte probed;

    private HugePages() {
    }

    /** Whether transparent huge pages can back a mapping that asks for them ({@code enabled} is not {@code [never]}). */
    static boolean available() {
        try {
            Path p = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
            return Files.isReadable(p) && !Files.readString(p).contains("[never]");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Asks for 2 MiB pages on the 2 MiB-aligned part of {@code mapping}; true when the kernel accepted it.
     * Must come before the first access to take effect on pages not yet cached.
     */
    static boolean advise(MemorySegment mapping) {
        return madvise(alignUp(mapping.address()), (mapping.address() + mapping.byteSize()) & -PMD_SIZE, MADV_HUGEPAGE, "MADV_HUGEPAGE");
    }

    /** {@code madvise(start, end - start, advice)}; false when the range is empty, libc is not there or the call fails. */
    private static boolean madvise(long start, long end, int advice, String name) {
        Optional<MethodHandle> madvise = Libc.MADVISE;
        if (end <= start || madvise.isEmpty()) {
            return false;
        }
        try {
            if ((int) madvise.get().invokeExact(MemorySegment.ofAddress(start), end - start, advice) == 0) {
                return true;
            }
            LOG.log(System.Logger.Level.DEBUG, "madvise({0}) failed", name);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.DEBUG, "madvise({0}) failed: {1}", name, t.toString());
        }
        return false;
    }

    /**
     * {@code bytes} of zeroed memory that lives as long as {@code arena}, backed by 2 MiB pages where the
     * kernel allows: an anonymous mapping advised before its first touch ({@code Arena.allocate} zeroes
     * what it returns, which would fault it in as small pages first). Plain arena memory elsewhere.
     */
    public static MemorySegment allocate(long bytes, Arena arena) {
        if (Libc.MMAP.isPresent() && Libc.MUNMAP.isPresent() && bytes >= PMD_SIZE) {
            long length = bytes + PMD_SIZE;
            try {
                MemorySegment raw = (MemorySegment) Libc.MMAP.get().invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE,
                        MAP_PRIVATE_ANONYMOUS, -1, 0L);
                if (raw.address() != -1L && raw.address() != 0L) {
                    long rawAddress = raw.address();
                    MemorySegment aligned = MemorySegment.ofAddress(alignUp(rawAddress)).reinterpret(bytes, arena,
                            s -> unmap(rawAddress, length));
                    advise(aligned);
                    return aligned;
                }
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.DEBUG, "anonymous mmap of {0} bytes failed: {1}", bytes, t.toString());
            }
        }
        return arena.allocate(bytes, 64);
    }

    private static void unmap(long address, long length) {
        try {
            int rc = (int) Libc.MUNMAP.orElseThrow().invokeExact(MemorySegment.ofAddress(address), length);
            if (rc != 0) {
                LOG.log(System.Logger.Level.WARNING, "munmap of {0} bytes failed", length);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "munmap of {0} bytes failed: {1}", length, t.toString());
        }
    }

    /**
     * Drops the pages of a read-only file mapping from this process's resident set once their content has
     * been copied elsewhere; they stay in the page cache and come back on the next read. Best effort.
     */
    public static void release(MemorySegment mapping) {
        if (mapping.isMapped()) {
            madvise((mapping.address() + 4095) & -4096L, (mapping.address() + mapping.byteSize()) & -4096L, MADV_DONTNEED, "MADV_DONTNEED");
        }
    }

    /**
     * Reads one byte at {@link #PROBES} 2 MiB-aligned points spread evenly over {@code mapping} (not touched
     * before) and says whether all those pages are now mapped with 2 MiB entries ({@code FilePmdMapped} of
     * the mapping in {@code /proc/self/smaps} is at least {@code PROBES x 2048 kB}). A file cached mostly in
     * small pages, e.g. one just written, fails this. False as well when that cannot be read.
     */
    static boolean pmdMapped(MemorySegment mapping) {
        long base = mapping.address();
        long end = base + mapping.byteSize();
        long[] probes = new long[PROBES];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = alignUp(base + mapping.byteSize() / (2 * PROBES) * (2 * i + 1));
            if (probes[i] + PMD_SIZE > end) {
                return false;
            }
            probed = mapping.get(ValueLayout.JAVA_BYTE, probes[i] - base);
        }
        try {
            // a fresh mapping: nothing but the probed pages has been touched yet, so each probe that landed
            // in a 2 MiB folio adds 2048 kB
            return filePmdMappedKb(Files.readAllLines(Path.of("/proc/self/smaps")), probes[0]) >= probes.length * (PMD_SIZE >> 10);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The {@code FilePmdMapped} kB of the mapping in {@code smaps} (the text of {@code /proc/PID/smaps})
     * that contains {@code address}, or -1 when no mapping contains it or it has no such field.
     */
    static long filePmdMappedKb(List<String> smaps, long address) {
        boolean inside = false;
        for (String line : smaps) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && isHex(line, 0, dash) && isHex(line, dash + 1, space)) {
                long from = Long.parseUnsignedLong(line, 0, dash, 16);
                long to = Long.parseUnsignedLong(line, dash + 1, space, 16);
                if (inside) {
                    return -1;
                }
                inside = Long.compareUnsigned(address, from) >= 0 && Long.compareUnsigned(address, to) < 0;
            } else if (inside && line.startsWith("FilePmdMapped:")) {
                return Long.parseLong(line.substring("FilePmdMapped:".length()).replace("kB", "").strip());
            }
        }
        return -1;
    }

    /**
     * Drops the clean, unmapped cached pages of {@code path} ({@code posix_fadvise(POSIX_FADV_DONTNEED)}),
     * so that the next read through a mapping that asked for huge pages caches it in 2 MiB folios. Pages
     * that another process has mapped stay. True when the kernel accepted the request.
     */
    static boolean dropPageCache(Path path) {
        Optional<MethodHandle> open = Libc.OPEN;
        Optional<MethodHandle> fadvise = Libc.FADVISE;
        Optional<MethodHandle> close = Libc.CLOSE;
        if (open.isEmpty() || fadvise.isEmpty() || close.isEmpty()) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) open.get().invokeExact(a.allocateFrom(path.toAbsolutePath().toString()), O_RDONLY);
            if (fd < 0) {
                return false;
            }
            try {
                return (int) fadvise.get().invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED) == 0;
            } finally {
                int ignored = (int) close.get().invokeExact(fd);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.DEBUG, "posix_fadvise(DONTNEED) on {0} failed: {1}", path, t.toString());
            return false;
        }
    }

    /** The libc calls, bound once on first use (a downcall handle costs more to make than the call). */
    private static final class Libc {
        static final Optional<MethodHandle> MADVISE = bind("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        static final Optional<MethodHandle> OPEN = bind("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT), Linker.Option.firstVariadicArg(2));
        static final Optional<MethodHandle> FADVISE = bind("posix_fadvise", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        static final Optional<MethodHandle> MMAP = bind("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        static final Optional<MethodHandle> MUNMAP = bind("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG));
        static final Optional<MethodHandle> CLOSE = bind("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        private static Optional<MethodHandle> bind(String name, FunctionDescriptor fd, Linker.Option... options) {
            if (!System.getProperty("os.name", "").startsWith("Linux")) {
                return Optional.empty();
            }
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup lookup = linker.defaultLookup();
                return lookup.find(name).map(addr -> linker.downcallHandle(addr, fd, options));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "libc {0} unavailable: {1}", name, e.toString());
                return Optional.empty();
            }
        }
    }

    private static long alignUp(long address) {
        return (address + PMD_SIZE - 1) & -PMD_SIZE;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return to > from;
    }
}
