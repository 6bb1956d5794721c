package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.kernels.WorkerPool;

/**
 * How {@link FloatPeak} and {@link ShortPeak} time their register-only chains: each thread of the pool calls the
 * chains many times, after a warm-up that has them compiled, and the best of several passes is the peak.
 */
final class RegisterPeak {

    /** Independent multiply-add chains on registers only, {@code n} steps each; returns a value that keeps them live. */
    @FunctionalInterface
    interface Chains {
        float run(int n);
    }

    /** Iterations per call and calls per pass: many short calls, so the timed ones run fully compiled code, not OSR. */
    private static final int ITERATIONS = 20_000;
    private static final int CALLS = 100;
    private static final int WARM_UP_CALLS = 20_000;

    private RegisterPeak() {
    }

    /** Operations per second of the whole pool (best of {@code passes}), {@code opsPerIteration} per step of the chains. */
    static double measure(WorkerPool pool, int passes, Chains chains, double opsPerIteration) {
        float[] sinks = new float[pool.threads()];
        // compiled before timing: the first pass once measured half of the later ones (197.6 against 386.2 GFLOP/s)
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            sinks[0] += chains.run(16);
        }
        double best = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            pool.forRange(pool.threads(), 1, (s, e, t) -> {
                for (int i = s; i < e; i++) {
                    for (int c = 0; c < CALLS; c++) {
                        sinks[t] += chains.run(ITERATIONS);
                    }
                }
            });
            long dt = System.nanoTime() - t0;
            double ops = opsPerIteration * ITERATIONS * CALLS * pool.threads();
            best = Math.max(best, ops * 1e9 / dt);
        }
        if (sinks[0] == 12345f) {
            System.getLogger(RegisterPeak.class.getName()).log(System.Logger.Level.TRACE, "sink");
        }
        return best;
    }
}
