package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float multiply-add rate the Vector API reaches on this machine: each thread of the pool runs independent
 * fused multiply-add chains on registers only (no memory traffic), enough of them to hide the instruction's latency.
 * It is the compute roofline of a prefill that multiplies dequantized float weights with float activations
 * ({@link ShortPeak} is that of Q4_0's 16-bit integer prefill); an engine that multiplies int8 values (VNNI, AMX) is
 * bound by neither.
 */
public final class FloatPeak {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Independent multiply-add chains in {@link #chains}: enough to keep both FMA units busy past the latency of 4. */
    private static final int CHAINS = 12;

    private FloatPeak() {
    }

    /** Floating-point operations per second of the whole pool (best of {@code passes}), two per multiply-add lane. */
    public static double measure(WorkerPool pool, int passes) {
        return RegisterPeak.measure(pool, passes, FloatPeak::chains, 2.0 * F.length() * CHAINS);
    }

    /**
     * {@value #CHAINS} independent chains of {@code n} multiply-adds each, on values that stay finite. Written out one by
     * one: in an array the vectors would not stay in registers.
     */
    private static float chains(int n) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector c = FloatVector.broadcast(F, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < n; i++) {
            a0 = m.fma(a0, c);
            a1 = m.fma(a1, c);
            a2 = m.fma(a2, c);
            a3 = m.fma(a3, c);
            a4 = m.fma(a4, c);
            a5 = m.fma(a5, c);
            a6 = m.fma(a6, c);
            a7 = m.fma(a7, c);
            a8 = m.fma(a8, c);
            a9 = m.fma(a9, c);
            a10 = m.fma(a10, c);
            a11 = m.fma(a11, c);
        }
        // the chains only as arguments, never as receivers, in and after the loop: see kernels.LoopCarried
        return FloatVector.broadcast(F, -0f).add(a0).add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
    }
}
