package dev.chrysalis.inference.model;

/**
 * Hyper-parameters of a loaded model, from the GGUF metadata and tensor shapes.
 *
 * @param ropeScale positions are multiplied by this (1 / linear scaling factor)
 */
public record ModelConfig(
        Architecture architecture,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffDim,
        int vocabSize,
        int trainedContext,
        float rmsEps,
        float ropeTheta,
        int ropeDim,
        float ropeScale,
        boolean tiedOutput) {

    public int qDim() {
        return heads * headDim;
    }

    public int kvDim() {
        return kvHeads * headDim;
    }
}
