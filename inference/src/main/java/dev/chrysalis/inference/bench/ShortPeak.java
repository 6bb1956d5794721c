package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.kernels.WorkerPool;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 16-bit integer multiply-add rate the Vector API reaches on this machine (a multiply and an add per lane, as the
 * Q4_0 prefill kernels of {@code TiledBatch} do them), on registers only: the compute roofline of that prefill, as
 * {@link FloatPeak} is of the float one. Each step multiplies twelve distinct weight vectors with a broadcast that
 * changes every step, so that no product is common to two chains or invariant in the loop (C2 would compute it once).
 * Measured on Zen 5, one thread: 16-bit 135 G multiply-adds/s, float FMA 103; the two interleaved 95, so they share
 * the execution ports and a kernel mixing them gains nothing.
 */
public final class ShortPeak {

    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;

    private ShortPeak() {
    }

    /** Integer operations per second of the whole pool (best of {@code passes}), two per multiply-add lane. */
    public static double measure(WorkerPool pool, int passes) {
        return RegisterPeak.measure(pool, passes, ShortPeak::chains, 2.0 * S.length() * CHAINS);
    }

    /** {@value #CHAINS} chains of {@code n} 16-bit multiply-adds each; written out: in an array they would not stay in registers. */
    private static float chains(int n) {
        ShortVector w0 = ShortVector.broadcast(S, (short) 3), w1 = ShortVector.broadcast(S, (short) 5);
        ShortVector w2 = ShortVector.broadcast(S, (short) 7), w3 = ShortVector.broadcast(S, (short) 11);
        ShortVector w4 = ShortVector.broadcast(S, (short) 13), w5 = ShortVector.broadcast(S, (short) 17);
        ShortVector w6 = ShortVector.broadcast(S, (short) 19), w7 = ShortVector.broadcast(S, (short) 23);
        ShortVector w8 = ShortVector.broadcast(S, (short) 29), w9 = ShortVector.broadcast(S, (short) 31);
        ShortVector w10 = ShortVector.broadcast(S, (short) 37), w11 = ShortVector.broadcast(S, (short) 41);
        ShortVector a0 = ShortVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        ShortVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < n; i++) {
            // two broadcasts a step, as the kernels broadcast activation pairs; the values wrap, which costs nothing
            ShortVector x = ShortVector.broadcast(S, (short) i);
            ShortVector y = ShortVector.broadcast(S, (short) (3 * i + 1));
            a0 = w0.mul(x).add(a0);
            a1 = w1.mul(y).add(a1);
            a2 = w2.mul(x).add(a2);
            a3 = w3.mul(y).add(a3);
            a4 = w4.mul(x).add(a4);
            a5 = w5.mul(y).add(a5);
            a6 = w6.mul(x).add(a6);
            a7 = w7.mul(y).add(a7);
            a8 = w8.mul(x).add(a8);
            a9 = w9.mul(y).add(a9);
            a10 = w10.mul(x).add(a10);
            a11 = w11.mul(y).add(a11);
        }
        // the chains only as arguments, never as receivers, in and after the loop: see kernels.LoopCarried
        return ShortVector.zero(S).add(a0).add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
    }
}
