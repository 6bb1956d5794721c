package dev.chrysalis.inference.model;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gguf.GgufFormatException;
import dev.chrysalis.inference.gguf.GgufMetadata;
import dev.chrysalis.inference.gguf.GgufTensor;
import dev.chrysalis.inference.tensor.Dequantize;
import dev.chrysalis.inference.tensor.WeightMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads a model's configuration from GGUF metadata and binds its tensors, checking every tensor's
 * presence, type and shape against the architecture. Any mismatch is a {@link GgufFormatException}
 * naming the tensor or key; an architecture or tensor type without kernels is an
 * {@link UnsupportedModelException}.
 */
public final class ModelLoader {

    private ModelLoader() {
    }

    /** A model ready to run: its configuration and its weights (views into {@code file}). */
    public record Loaded(ModelConfig config, ModelWeights weights) {
    }

    public static Loaded load(GgufFile file) {
        GgufMetadata m = file.metadata();
        String archName = m.getString("general.architecture")
                .orElseThrow(() -> new GgufFormatException("metadata 'general.architecture': missing or not a string"));
        Architecture arch = Architecture.fromGguf(archName).orElseThrow(() -> new UnsupportedModelException(
                "metadata 'general.architecture': '" + archName + "' is not supported (supported: llama, qwen2, qwen3)"));
        String p = archName + ".";
        int dim = positive(m, p + "embedding_length");
        int layers = positive(m, p + "block_count");
        int heads = positive(m, p + "attention.head_count");
        int kvHeads = (int) m.getLong(p + "attention.head_count_kv").orElse(heads);
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new GgufFormatException("metadata '" + p + "attention.head_count_kv': " + kvHeads
                    + " does not divide head_count " + heads);
        }
        int ffDim = positive(m, p + "feed_forward_length");
        int headDim = (int) m.getLong(p + "attention.key_length").orElse(dim / heads);
        long valueLength = m.getLong(p + "attention.value_length").orElse(headDim);
        if (headDim <= 0 || headDim % 2 != 0 || valueLength != headDim) {
            throw new GgufFormatException("metadata '" + p + "attention.key_length': head size " + headDim
                    + " (value length " + valueLength + ") must be even and equal to the value length");
        }
        if (!m.has(p + "attention.key_length") && dim % heads != 0) {
            throw new GgufFormatException("metadata '" + p + "embedding_length': " + dim + " is not a multiple of head_count " + heads);
        }
        int ctx = (int) Math.min(Integer.MAX_VALUE, m.getLong(p + "context_length").orElse(2048));
        double eps = m.getDouble(p + "attention.layer_norm_rms_epsilon").orElse(1e-5);
        if (!(eps > 0 && eps < 1)) {
            throw new GgufFormatException("metadata '" + p + "attention.layer_norm_rms_epsilon': " + eps + " is not in (0, 1)");
        }
        double theta = m.getDouble(p + "rope.freq_base").orElse(10000.0);
        if (!(theta > 1)) {
            throw new GgufFormatException("metadata '" + p + "rope.freq_base': " + theta + " must be > 1");
        }
        int ropeDim = (int) m.getLong(p + "rope.dimension_count").orElse(headDim);
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new GgufFormatException("metadata '" + p + "rope.dimension_count': " + ropeDim + " must be even and in 1.." + headDim);
        }
        float ropeScale = 1f;
        Optional<String> scaling = m.getString(p + "rope.scaling.type");
        if (scaling.isPresent() && scaling.get().equals("linear")) {
            double factor = m.getDouble(p + "rope.scaling.factor").orElse(1.0);
            if (!(factor >= 1)) {
                throw new GgufFormatException("metadata '" + p + "rope.scaling.factor': " + factor + " must be >= 1");
            }
            ropeScale = (float) (1.0 / factor);
        } else if (scaling.isPresent() && scaling.get().equals("llama3") && file.tensor("rope_freqs.weight").isEmpty()) {
            throw new UnsupportedModelException("metadata '" + p + "rope.scaling.type': 'llama3' scaling needs the tensor "
                    + "'rope_freqs.weight' (the per-frequency factors), which this file lacks");
        } else if (scaling.isPresent() && !scaling.get().equals("none") && !scaling.get().equals("llama3")) {
            throw new UnsupportedModelException("metadata '" + p + "rope.scaling.type': '" + scaling.get() + "' is not supported");
        }

        GgufTensor emb = file.requireTensor("token_embd.weight");
        long vocabL = emb.dim(1);
        if (emb.rank() != 2 || emb.dim(0) != dim || vocabL <= 0 || vocabL > Integer.MAX_VALUE) {
            throw shape(emb, arch, new long[] {dim, vocabL});
        }
        int vocab = (int) vocabL;
        int tokens = m.getStringArray("tokenizer.ggml.tokens").size();
        if (tokens != 0 && tokens != vocab) {
            throw new GgufFormatException("tensor 'token_embd.weight': " + vocab + " rows but the vocabulary 'tokenizer.ggml.tokens' has "
                    + tokens + " tokens");
        }
        int q = heads * headDim;
        int kv = kvHeads * headDim;
        List<LayerWeights> lw = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            lw.add(new LayerWeights(
                    vector(file, arch, b + "attn_norm.weight", dim),
                    matrix(file, arch, b + "attn_q.weight", dim, q),
                    matrix(file, arch, b + "attn_k.weight", dim, kv),
                    matrix(file, arch, b + "attn_v.weight", dim, kv),
                    matrix(file, arch, b + "attn_output.weight", q, dim),
                    arch.qkvBias() ? Optional.of(vector(file, arch, b + "attn_q.bias", q)) : Optional.empty(),
                    arch.qkvBias() ? Optional.of(vector(file, arch, b + "attn_k.bias", kv)) : Optional.empty(),
                    arch.qkvBias() ? Optional.of(vector(file, arch, b + "attn_v.bias", kv)) : Optional.empty(),
                    arch.qkNorm() ? Optional.of(vector(file, arch, b + "attn_q_norm.weight", headDim)) : Optional.empty(),
                    arch.qkNorm() ? Optional.of(vector(file, arch, b + "attn_k_norm.weight", headDim)) : Optional.empty(),
                    vector(file, arch, b + "ffn_norm.weight", dim),
                    matrix(file, arch, b + "ffn_gate.weight", dim, ffDim),
                    matrix(file, arch, b + "ffn_up.weight", dim, ffDim),
                    matrix(file, arch, b + "ffn_down.weight", ffDim, dim)));
        }
        float[] outNorm = vector(file, arch, "output_norm.weight", dim);
        boolean tied = file.tensor("output.weight").isEmpty();
        WeightMatrix out = tied ? matrix(file, arch, "token_embd.weight", dim, vocab) : matrix(file, arch, "output.weight", dim, vocab);
        WeightMatrix embedding = matrix(file, arch, "token_embd.weight", dim, vocab);
        Optional<float[]> freqs = file.tensor("rope_freqs.weight").isPresent()
                ? Optional.of(vector(file, arch, "rope_freqs.weight", ropeDim / 2)) : Optional.empty();
        if (freqs.isPresent()) {
            for (int i = 0; i < freqs.get().length; i++) {
                if (!(freqs.get()[i] > 0) || Float.isInfinite(freqs.get()[i])) {
                    throw new GgufFormatException("tensor 'rope_freqs.weight': factor " + i + " is " + freqs.get()[i] + " (must be positive)");
                }
            }
        }
        ModelConfig cfg = new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, ffDim, vocab, ctx, (float) eps,
                (float) theta, ropeDim, ropeScale, tied);
        return new Loaded(cfg, new ModelWeights(embedding, List.copyOf(lw), outNorm, out, freqs));
    }

    private static int positive(GgufMetadata m, String key) {
        long v = m.requireLong(key);
        if (v <= 0 || v > (1 << 24)) {
            throw new GgufFormatException("metadata '" + key + "': " + v + " is not a plausible positive size");
        }
        return (int) v;
    }

    private static WeightMatrix matrix(GgufFile f, Architecture arch, String name, int cols, int rows) {
        GgufTensor t = f.requireTensor(name);
        if (t.rank() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
            throw shape(t, arch, new long[] {cols, rows});
        }
        supported(t);
        return WeightMatrix.of(t);
    }

    private static float[] vector(GgufFile f, Architecture arch, String name, int n) {
        GgufTensor t = f.requireTensor(name);
        if (t.rank() != 1 || t.dim(0) != n) {
            throw shape(t, arch, new long[] {n});
        }
        supported(t);
        float[] v = new float[n];
        Dequantize.dequantize(t.type(), t.data(), 0, v, 0, n);
        return v;
    }

    private static void supported(GgufTensor t) {
        GgmlType type = t.type();
        if (!type.isSupported()) {
            throw new UnsupportedModelException("tensor '" + t.name() + "': type " + type + " is not supported "
                    + "(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K)");
        }
    }

    private static GgufFormatException shape(GgufTensor t, Architecture arch, long[] expected) {
        return new GgufFormatException("tensor '" + t.name() + "': shape " + Arrays.toString(t.shape()) + " does not match "
                + arch.ggufName() + " (expected " + Arrays.toString(expected) + ")");
    }
}
