package dev.chrysalis.inference.model;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.HugePages;
import dev.chrysalis.inference.kernels.TiledBatch;
import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.tensor.WeightMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** All weights of a model; matrices stay in the mapped file. */
public record ModelWeights(
        WeightMatrix tokenEmbedding,
        List<LayerWeights> layers,
        float[] outputNorm,
        WeightMatrix output,
        Optional<float[]> ropeFreqFactors) {

    /**
     * These weights with every {@linkplain WeightMatrix#tileable() tileable} Q4_0, Q4_1, Q4_K, Q5_K, Q6_K or Q8_0 matrix repacked into tiles
     * for products with Q8 activations (memory from {@code arena}). A tied embedding shares the output's tiles.
     */
    public ModelWeights tiled(WorkerPool pool, Arena arena) {
        // one region for all: each matrix in a mapping of its own had its last, partial 2 MiB on small pages (19% of
        // TinyLlama Q8_0's tiles, TLB misses on every token)
        long total = perTokenMatrices().filter(WeightMatrix::tileable).mapToLong(WeightMatrix::tileBytes).sum();
        if (total == 0) {
            return this;
        }
        MemorySegment region = HugePages.allocate(total, arena);
        long[] next = {0};
        UnaryOperator<WeightMatrix> tile = m -> {
            if (!m.tileable()) {
                return m;
            }
            long bytes = m.tileBytes();
            next[0] += bytes;
            return m.tiledInto(pool, region.asSlice(next[0] - bytes, bytes));
        };
        WeightMatrix out = tile.apply(output);
        boolean tied = output.data().address() == tokenEmbedding.data().address();
        return new ModelWeights(tied ? out : tokenEmbedding, layers.stream().map(l -> l.mapMatrices(tile)).toList(), outputNorm, out,
                ropeFreqFactors);
    }

    /**
     * The matrices the forward pass reads from the file mapping at run time: those not {@linkplain WeightMatrix#isTiled()
     * tiled} (tiling copied the others, and norm vectors and biases are on the heap). A tied embedding counts once.
     */
    public List<WeightMatrix> mappedMatrices() {
        Set<Long> seen = new HashSet<>();
        return Stream.concat(Stream.of(tokenEmbedding), perTokenMatrices()).filter(m -> !m.isTiled())
                .filter(m -> seen.add(m.data().address())).toList();
    }

    /** Every weight matrix: the token embedding, the output matrix and each layer's seven. */
    public List<WeightMatrix> matrices() {
        return Stream.concat(Stream.of(tokenEmbedding), perTokenMatrices()).toList();
    }

    /** The matrices every token is multiplied with: the output matrix and each layer's seven. */
    public Stream<WeightMatrix> perTokenMatrices() {
        return Stream.concat(Stream.of(output), layers.stream().flatMap(l -> Stream.of(l.wq(), l.wk(), l.wv(), l.wo(),
                l.wGate(), l.wUp(), l.wDown())));
    }

    /**
     * Multiply-adds of the weight matrices per token (each weight once), times two: the floating-point operations of
     * one token's forward pass, less attention over the cache.
     */
    public long matmulFlopsPerToken() {
        return 2 * perTokenMatrices().mapToLong(m -> (long) m.rows() * m.cols()).sum();
    }

    /**
     * The part of {@link #matmulFlopsPerToken()} that a CPU prefill multiplies in 16-bit integers: tiled Q4_0 matrices
     * where {@link TiledBatch#INTEGER_Q4} holds. The rest it multiplies in float.
     */
    public long integerPrefillFlopsPerToken() {
        if (!TiledBatch.INTEGER_Q4) {
            return 0;
        }
        return 2 * perTokenMatrices().filter(m -> m.isTiled() && m.type() == GgmlType.Q4_0).mapToLong(m -> (long) m.rows() * m.cols()).sum();
    }

    /** Bytes of weights read to produce one token (the matrices above and one row of the embedding table). */
    public long bytesPerToken() {
        return perTokenMatrices().mapToLong(WeightMatrix::byteSize).sum() + (long) tokenEmbedding.cols() * 4;
    }
}
