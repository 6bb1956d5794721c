package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.kernels.WorkerPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float multiply-add rate the Vector API reaches on this machine: each thread of the pool runs independent
 * fused multiply-add chains on registers only (no memory traffic), enough of them to hide the instruction's latency.
 * It is the compute roofline of prefill, which multiplies dequantized float weights with float activations; an
 * engine that multiplies int8 values (VNNI, AMX) is not bound by it.
 */
public final class FloatPeak {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Iterations per call and calls per pass: many short calls, so the timed ones run fully compiled code, not OSR. */
    private static final int ITERATIONS = 20_000;
    private static final int CALLS = 100;
    private static final int WARM_UP_CALLS = 20_000;
    /** Independent multiply-add chains in {@link #chains}: enough to keep both FMA units busy past the latency of 4. */
    private static final int CHAINS = 12;

    private FloatPeak() {
    }

    /** Floating-point operations per second of the whole pool (best of {@code passes}), two per multiply-add lane. */
    public static double measure(WorkerPool pool, int passes) {
        float[] sinks = new float[pool.threads()];
        // compiled before timing: the first pass once measured half of the later ones (197.6 against 386.2 GFLOP/s)
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            sinks[0] += chains(16);
        }
        double best = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            pool.forRange(pool.threads(), 1, (s, e, t) -> {
                for (int i = s; i < e; i++) {
                    for (int c = 0; c < CALLS; c++) {
                        sinks[t] += chains(ITERATIONS);
                    }
                }
            });
            long dt = System.nanoTime() - t0;
            double flops = 2.0 * F.length() * CHAINS * (double) ITERATIONS * CALLS * pool.threads();
            best = Math.max(best, flops * 1e9 / dt);
        }
        if (sinks[0] == 12345f) {
            System.getLogger(FloatPeak.class.getName()).log(System.Logger.Level.TRACE, "sink");
        }
        return best;
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
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
    }
}
