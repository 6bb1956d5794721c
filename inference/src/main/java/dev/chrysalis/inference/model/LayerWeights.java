package dev.chrysalis.inference.model;

import dev.chrysalis.inference.tensor.WeightMatrix;
import java.util.Optional;

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
}
