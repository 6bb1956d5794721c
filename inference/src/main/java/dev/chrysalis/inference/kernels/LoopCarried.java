package dev.chrysalis.inference.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * How the kernels keep a vector that a loop carries from being boxed, and the zero they use for it.
 *
 * <p>While C2 parses a loop it types a vector variable the loop carries by its declared class ({@code IntVector},
 * not {@code Int512Vector}), so a method called on it is dispatched through the type profile of the Vector API's
 * shared code, which kernels of every shape feed. Once any of them took a class-check trap there (another shape
 * arrived), C2 compiles that call with a real virtual call on its slow path, the vector has to exist as an object,
 * and the loop allocates a box per iteration: TinyLlama Q8_0 decode at 5 instead of 25 tok/s in about half of the
 * bench runs, depending on which kernel warmed up first. So:
 * <ul>
 *   <li>in the loop, a carried vector is only ever an argument: {@code s = x.mul(w).add(s)}, never
 *       {@code s = s.add(x.mul(w))};</li>
 *   <li>a carried vector a method is called on after its loop is first added to a zero whose class C2 knows:
 *       {@code LoopCarried.FLOATS.add(acc).intoArray(...)}, {@code IntVector.zero(I).add(z).convert(...)} (a zero
 *       of a constant species). One vector instruction; for floats the zero is -0.0, the exact identity of
 *       addition, so the lanes keep their bits, signed zeros included. Written out, not a helper method: a helper
 *       C2 compiled on its own first can be too big for it to inline, and the vector crossing the call is boxed
 *       just the same. For that reason too the tiled kernels' loops call no vector helper ({@code QuantTiles}
 *       broadcasts its activation pairs in place), and a carried vector reaches a helper such as
 *       {@link VectorKernels#sum} only through the zero, so that a call C2 did not inline boxes once, not on
 *       every iteration;</li>
 *   <li>where even that add does not fit (the prefill kernels of {@code TiledBatch} sit at C1's size limit), the
 *       loop is a do-while: it exits after its body, where the sums are the body's last values, whose class C2
 *       knows. Not everywhere: C2 compiles a do-while's body less well, and TinyLlama Q8_0 decode ran at 17-24
 *       tok/s with the four-tile kernel's quant-group loop as one, 28-31 as a for loop with the zero added.</li>
 * </ul>
 *
 * <p>{@code -XX:-UseTypeProfile} makes every profile-dispatched call a virtual call, in every run: with it the
 * kernels must not allocate (bench inference under a JFR recording, allocation samples per source line), which
 * is how this is checked.
 */
public final class LoopCarried {

    /** -0.0 in every lane of {@link VectorKernels#F}. */
    public static final FloatVector FLOATS = FloatVector.broadcast(VectorKernels.F, -0f);

    private LoopCarried() {
    }
}
