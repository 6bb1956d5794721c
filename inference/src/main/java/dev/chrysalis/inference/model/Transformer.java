package dev.chrysalis.inference.model;

import dev.chrysalis.inference.kernels.VectorKernels;
import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.tensor.WeightMatrix;
import java.util.Arrays;

/**
 * The forward pass of a llama-family decoder over a batch of consecutive tokens. A batch of one is a
 * decode step; a longer batch is prefill, where every weight matrix is multiplied with all tokens of
 * the batch at once (matrix-matrix) so each weight is read once per batch instead of once per token.
 *
 * <p>Not thread-safe: one forward pass at a time (it owns its activation buffers).
 */
public final class Transformer {

    private final ModelConfig c;
    private final ModelWeights w;
    private final WorkerPool pool;
    private final int maxBatch;
    private final int capacity;
    private final float[] x;
    private final float[] xb;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] att;
    private final float[] hb;
    private final float[] hb2;
    private final float[][] scratch;
    private final float[][] scores;
    private final BlockAttention blockAttention;
    private final float[] ropeCos;
    private final float[] ropeSin;

    /**
     * @param maxBatch largest number of tokens per {@link #forward} call
     * @param capacity largest position + 1 (the context length; sizes the RoPE tables)
     */
    public Transformer(ModelConfig config, ModelWeights weights, WorkerPool pool, int maxBatch, int capacity) {
        this.c = config;
        this.w = weights;
        this.pool = pool;
        this.maxBatch = maxBatch;
        this.capacity = capacity;
        int dim = c.dim();
        x = new float[maxBatch * dim];
        xb = new float[maxBatch * Math.max(dim, c.qDim())];
        q = new float[maxBatch * c.qDim()];
        k = new float[maxBatch * c.kvDim()];
        v = new float[maxBatch * c.kvDim()];
        att = new float[maxBatch * c.qDim()];
        hb = new float[maxBatch * Math.max(c.ffDim(), dim)];
        hb2 = new float[maxBatch * c.ffDim()];
        int widest = Math.max(256, Math.max(Math.max(dim, c.ffDim()), c.qDim()));
        scratch = new float[pool.threads()][4 * widest];
        scores = new float[pool.threads()][capacity];
        blockAttention = new BlockAttention(c, pool.threads());
        int half = c.ropeDim() / 2;
        ropeCos = new float[capacity * half];
        ropeSin = new float[capacity * half];
        float[] factors = w.ropeFreqFactors().orElse(null);
        for (int p = 0; p < capacity; p++) {
            for (int i = 0; i < half; i++) {
                double freq = Math.pow(c.ropeTheta(), -2.0 * i / c.ropeDim());
                if (factors != null) {
                    freq /= factors[i];
                }
                double ang = p * (double) c.ropeScale() * freq;
                ropeCos[p * half + i] = (float) Math.cos(ang);
                ropeSin[p * half + i] = (float) Math.sin(ang);
            }
        }
    }

    public ModelConfig config() {
        return c;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Runs {@code n <= maxBatch} tokens {@code tokens[off..off+n)} at positions {@code start..start+n-1},
     * writing their keys and values into {@code cache}. Returns the logits of the last token
     * ({@code vocab} floats), or of every token ({@code n * vocab}) when {@code allLogits}.
     */
    public float[] forward(KvCache cache, int[] tokens, int off, int n, int start, boolean allLogits) {
        forwardWithoutLogits(cache, tokens, off, n, start);
        int dim = c.dim();
        int first = allLogits ? 0 : n - 1;
        int m = n - first;
        for (int t = first; t < n; t++) {
            rmsnorm(xb, (t - first) * dim, x, t * dim, w.outputNorm(), dim);
        }
        WeightMatrix out = w.output();
        float[] logits = new float[m * c.vocabSize()];
        out.matmul(pool, xb, m, logits, scratch);
        return logits;
    }

    /**
     * {@link #forward} up to the last layer: the tokens' keys and values go into {@code cache}, no logits (a
     * prefill chunk before the prompt's last).
     */
    public void forwardWithoutLogits(KvCache cache, int[] tokens, int off, int n, int start) {
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " tokens (1.." + maxBatch + " allowed)");
        }
        if (start < 0 || start + n > Math.min(capacity, cache.capacity())) {
            throw new IllegalArgumentException("positions " + start + ".." + (start + n - 1) + " exceed the context of "
                    + Math.min(capacity, cache.capacity()));
        }
        int dim = c.dim();
        for (int t = 0; t < n; t++) {
            int tok = tokens[off + t];
            if (tok < 0 || tok >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary 0.." + (c.vocabSize() - 1));
            }
            w.tokenEmbedding().dequantizeRow(tok, x, t * dim);
        }
        for (int l = 0; l < c.layers(); l++) {
            layer(cache, l, w.layers().get(l), n, start);
        }
    }

    private void layer(KvCache cache, int l, LayerWeights lw, int n, int start) {
        int dim = c.dim();
        int qDim = c.qDim();
        int kvDim = c.kvDim();
        int hd = c.headDim();
        eachToken(n, t -> rmsnorm(xb, t * dim, x, t * dim, lw.attnNorm(), dim));
        WeightMatrix.matmulAll(pool, xb, n, new WeightMatrix[] {lw.wq(), lw.wk(), lw.wv()}, new float[][] {q, k, v}, scratch);
        eachToken(n, t -> {
            int qo = t * qDim;
            int ko = t * kvDim;
            lw.bq().ifPresent(b -> add(q, qo, b, qDim));
            lw.bk().ifPresent(b -> add(k, ko, b, kvDim));
            lw.bv().ifPresent(b -> add(v, ko, b, kvDim));
            if (lw.qNorm().isPresent()) {
                for (int h = 0; h < c.heads(); h++) {
                    rmsnorm(q, qo + h * hd, q, qo + h * hd, lw.qNorm().get(), hd);
                }
                for (int h = 0; h < c.kvHeads(); h++) {
                    rmsnorm(k, ko + h * hd, k, ko + h * hd, lw.kNorm().orElseThrow(), hd);
                }
            }
            int pos = start + t;
            for (int h = 0; h < c.heads(); h++) {
                rope(q, qo + h * hd, pos);
            }
            for (int h = 0; h < c.kvHeads(); h++) {
                rope(k, ko + h * hd, pos);
            }
            cache.store(l, pos, k, ko, v, ko);
        });
        // one path for every batch size, so a token's logits do not depend on how its prompt was split into
        // batches (the prefix cache resumes mid-prompt)
        if (BlockAttention.available()) {
            blockAttention.run(pool, cache, l, q, start, n, att);
        } else {
            attendOneByOne(cache, l, n, start);
        }
        lw.wo().matmul(pool, att, n, xb, scratch);
        eachToken(n, t -> {
            add(x, t * dim, xb, t * dim, dim);
            rmsnorm(xb, t * dim, x, t * dim, lw.ffnNorm(), dim);
        });
        WeightMatrix.matmulAll(pool, xb, n, new WeightMatrix[] {lw.wGate(), lw.wUp()}, new float[][] {hb, hb2}, scratch);
        int ff = c.ffDim();
        eachToken(n, t -> VectorKernels.siluMul(hb, hb2, t * ff, (t + 1) * ff));
        lw.wDown().matmul(pool, hb, n, xb, scratch);
        eachToken(n, t -> add(x, t * dim, xb, t * dim, dim));
    }

    /**
     * Batches of at least this many tokens run their per-token steps (norms, RoPE, residual adds, the gate) on
     * the pool: on one thread they left the other idle for 14% of a 512-token prefill. A decode step runs them
     * inline, where a parallel loop would cost more than the work.
     */
    private static final int PARALLEL_TOKENS = 4;

    private interface TokenStep {
        void run(int t);
    }

    /** {@code step} for tokens {@code [0, n)}, which touch disjoint slices of the buffers and the cache. */
    private void eachToken(int n, TokenStep step) {
        if (n < PARALLEL_TOKENS) {
            for (int t = 0; t < n; t++) {
                step.run(t);
            }
            return;
        }
        pool.forRange(n, 1, (s, e, thread) -> {
            for (int t = s; t < e; t++) {
                step.run(t);
            }
        });
    }

    /** Attention query by query, for machines without vector lanes: each query reads its KV head's rows. */
    private void attendOneByOne(KvCache cache, int l, int n, int start) {
        int qDim = c.qDim();
        int hd = c.headDim();
        int group = c.heads() / c.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        pool.forRange(n * c.heads(), 1, (s, e, thread) -> {
            float[] sc = scores[thread];
            for (int task = s; task < e; task++) {
                int t = task / c.heads();
                int h = task % c.heads();
                int kvh = h / group;
                int pos = start + t;
                int qo = t * qDim + h * hd;
                cache.keyScores(l, kvh, q, qo, pos + 1, scale, sc);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= pos; j++) {
                    max = Math.max(max, sc[j]);
                }
                float sum = 0;
                for (int j = 0; j <= pos; j++) {
                    float e1 = (float) Math.exp(sc[j] - max);
                    sc[j] = e1;
                    sum += e1;
                }
                float inv = 1f / sum;
                for (int j = 0; j <= pos; j++) {
                    sc[j] *= inv;
                }
                Arrays.fill(att, qo, qo + hd, 0f);
                cache.weightedValues(l, kvh, sc, pos + 1, att, qo);
            }
        });
    }

    private void rope(float[] vec, int o, int pos) {
        int half = c.ropeDim() / 2;
        int base = pos * half;
        if (c.architecture().ropeStyle() == Architecture.RopeStyle.ADJACENT_PAIRS) {
            for (int i = 0; i < half; i++) {
                float cos = ropeCos[base + i];
                float sin = ropeSin[base + i];
                float a = vec[o + 2 * i];
                float b = vec[o + 2 * i + 1];
                vec[o + 2 * i] = a * cos - b * sin;
                vec[o + 2 * i + 1] = a * sin + b * cos;
            }
        } else {
            for (int i = 0; i < half; i++) {
                float cos = ropeCos[base + i];
                float sin = ropeSin[base + i];
                float a = vec[o + i];
                float b = vec[o + i + half];
                vec[o + i] = a * cos - b * sin;
                vec[o + i + half] = a * sin + b * cos;
            }
        }
    }

    private void rmsnorm(float[] out, int oo, float[] in, int io, float[] weight, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (double) in[io + i] * in[io + i];
        }
        float r = (float) (1.0 / Math.sqrt(ss / n + c.rmsEps()));
        for (int i = 0; i < n; i++) {
            out[oo + i] = in[io + i] * r * weight[i];
        }
    }

    private static void add(float[] a, int ao, float[] b, int n) {
        add(a, ao, b, 0, n);
    }

    private static void add(float[] a, int ao, float[] b, int bo, int n) {
        for (int i = 0; i < n; i++) {
            a[ao + i] += b[bo + i];
        }
    }
}
