package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.kernels.WorkerPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures sustained read bandwidth from memory with the Vector API: the threads of a pool sum a buffer
 * much larger than the caches. The best of several passes is the roofline for a memory-bound decode.
 */
public final class MemoryBandwidth {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {
    }

    /** Bytes per second read by {@code pool} from a buffer of {@code bytes} (best of {@code passes}). */
    public static double measure(WorkerPool pool, long bytes, int passes) {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(bytes, 64);
            seg.fill((byte) 1);
            int chunks = (int) (bytes / (1 << 20));
            float[] sinks = new float[pool.threads()];
            double best = 0;
            for (int p = 0; p < passes; p++) {
                long t0 = System.nanoTime();
                pool.forRange(chunks, 1, (s, e, t) -> {
                    FloatVector acc = FloatVector.zero(F);
                    int step = F.vectorByteSize();
                    for (int c = s; c < e; c++) {
                        long base = (long) c << 20;
                        for (long o = 0; o < (1 << 20); o += 4L * step) {
                            acc = FloatVector.fromMemorySegment(F, seg, base + o, ByteOrder.LITTLE_ENDIAN)
                                    .add(FloatVector.fromMemorySegment(F, seg, base + o + step, ByteOrder.LITTLE_ENDIAN))
                                    .add(FloatVector.fromMemorySegment(F, seg, base + o + 2L * step, ByteOrder.LITTLE_ENDIAN))
                                    .add(FloatVector.fromMemorySegment(F, seg, base + o + 3L * step, ByteOrder.LITTLE_ENDIAN))
                                    .add(acc);
                        }
                    }
                    // acc only as an argument, never as a receiver, in and after the loop: see kernels.LoopCarried
                    sinks[t] += FloatVector.broadcast(F, -0f).add(acc).reduceLanes(VectorOperators.ADD);
                });
                long dt = System.nanoTime() - t0;
                best = Math.max(best, (double) chunks * (1 << 20) * 1e9 / dt);
            }
            if (sinks[0] == 12345f) {
                System.getLogger(MemoryBandwidth.class.getName()).log(System.Logger.Level.TRACE, "sink");
            }
            return best;
        }
    }
}
