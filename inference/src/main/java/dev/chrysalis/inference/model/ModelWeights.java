package dev.chrysalis.inference.model;

import dev.chrysalis.inference.tensor.WeightMatrix;
import java.util.List;
import java.util.Optional;

/** All weights of a model; matrices stay in the mapped file. */
public record ModelWeights(
        WeightMatrix tokenEmbedding,
        List<LayerWeights> layers,
        float[] outputNorm,
        WeightMatrix output,
        Optional<float[]> ropeFreqFactors) {

    /**
     * Multiply-adds of the weight matrices per token (each weight once: the output matrix and every layer's), times
     * two: the floating-point operations of one token's forward pass, less attention over the cache.
     */
    public long matmulFlopsPerToken() {
        long n = (long) output.rows() * output.cols();
        for (LayerWeights l : layers) {
            for (WeightMatrix m : new WeightMatrix[] {l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()}) {
                n += (long) m.rows() * m.cols();
            }
        }
        return 2 * n;
    }

    /** Bytes of weights read to produce one token (all matrices except the embedding table). */
    public long bytesPerToken() {
        long n = output.byteSize() + (long) tokenEmbedding.cols() * 4;
        for (LayerWeights l : layers) {
            n += l.wq().byteSize() + l.wk().byteSize() + l.wv().byteSize() + l.wo().byteSize()
                    + l.wGate().byteSize() + l.wUp().byteSize() + l.wDown().byteSize();
        }
        return n;
    }
}
