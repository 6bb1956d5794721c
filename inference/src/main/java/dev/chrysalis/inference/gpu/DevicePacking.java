package dev.chrysalis.inference.gpu;

/**
 * Offsets of arrays packed one after another into a single device allocation, each on a 256-byte
 * boundary (the alignment cuMemAlloc gives, which the vectorised loads of the kernels rely on).
 */
final class DevicePacking {

    static final int ALIGNMENT = 256;

    private long size;

    /** Reserves {@code bytes} and returns where they start. */
    long add(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a packed array needs a positive size, was " + bytes);
        }
        long off = align(size);
        size = Math.addExact(off, bytes);
        return off;
    }

    /** Bytes the allocation needs (at least one alignment unit, so an empty packing still allocates). */
    long size() {
        return Math.max(ALIGNMENT, align(size));
    }

    static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
