package dev.chrysalis.inference.model;

import dev.chrysalis.inference.tensor.WeightMatrix;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The weights of one transformer block. Norm vectors and biases are copied to the heap (small). */
public record LayerWeights(
        float[] attnNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wo,
        Optional<float[]> bq,
        Optional<float[]> bk,
        Optional<float[]> bv,
        Optional<float[]> qNorm,
        Optional<float[]> kNorm,
        float[] ffnNorm,
        WeightMatrix wGate,
        WeightMatrix wUp,
        WeightMatrix wDown) {

    /** These weights with each matrix replaced by {@code f} of it. */
    public LayerWeights mapMatrices(UnaryOperator<WeightMatrix> f) {
        return new LayerWeights(attnNorm, f.apply(wq), f.apply(wk), f.apply(wv), f.apply(wo), bq, bk, bv, qNorm, kNorm, ffnNorm,
                f.apply(wGate), f.apply(wUp), f.apply(wDown));
    }
}
