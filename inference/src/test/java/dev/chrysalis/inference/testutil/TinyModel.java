package dev.chrysalis.inference.testutil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A tiny random model of a given architecture as F32 tensors, written as GGUF by {@link GgufBuilder}
 * and kept as plain arrays for the reference forward pass in tests.
 */
public final class TinyModel {

    public final String arch;
    public final int dim = 32;
    public final int layers = 2;
    public final int heads = 4;
    public final int kvHeads = 2;
    public final int headDim = 8;
    public final int ff = 48;
    public final int vocab = 64;
    public final float eps = 1e-5f;
    public final float theta = 10000f;
    public final boolean tied;
    public final Map<String, float[]> tensors = new LinkedHashMap<>();
    public final Map<String, long[]> shapes = new LinkedHashMap<>();
    /** Llama 3 style RoPE frequency factors (tensor rope_freqs.weight), or null. */
    public float[] ropeFreqs;

    public TinyModel(String arch, boolean tied, long seed) {
        this.arch = arch;
        this.tied = tied;
        Random r = new Random(seed);
        put("token_embd.weight", r, 1.0f, 0f, dim, vocab);
        int q = heads * headDim;
        int kv = kvHeads * headDim;
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            put(b + "attn_norm.weight", r, 0.2f, 1f, dim);
            put(b + "attn_q.weight", r, 0.3f, 0f, dim, q);
            put(b + "attn_k.weight", r, 0.3f, 0f, dim, kv);
            put(b + "attn_v.weight", r, 0.3f, 0f, dim, kv);
            put(b + "attn_output.weight", r, 0.3f, 0f, q, dim);
            if (arch.equals("qwen2")) {
                put(b + "attn_q.bias", r, 0.5f, 0f, q);
                put(b + "attn_k.bias", r, 0.5f, 0f, kv);
                put(b + "attn_v.bias", r, 0.5f, 0f, kv);
            }
            if (arch.equals("qwen3")) {
                put(b + "attn_q_norm.weight", r, 0.2f, 1f, headDim);
                put(b + "attn_k_norm.weight", r, 0.2f, 1f, headDim);
            }
            put(b + "ffn_norm.weight", r, 0.2f, 1f, dim);
            put(b + "ffn_gate.weight", r, 0.3f, 0f, dim, ff);
            put(b + "ffn_up.weight", r, 0.3f, 0f, dim, ff);
            put(b + "ffn_down.weight", r, 0.3f, 0f, ff, dim);
        }
        put("output_norm.weight", r, 0.2f, 1f, dim);
        if (arch.equals("llama3")) {
            ropeFreqs = new float[] {1f, 1.5f, 4f, 8f};
            tensors.put("rope_freqs.weight", ropeFreqs);
            shapes.put("rope_freqs.weight", new long[] {headDim / 2});
        }
        if (!tied) {
            put("output.weight", r, 0.3f, 0f, dim, vocab);
        }
    }

    private void put(String name, Random r, float scale, float center, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = center + scale * (2 * r.nextFloat() - 1);
        }
        tensors.put(name, v);
        shapes.put(name, shape);
    }

    /** The GGUF bytes; {@code override} replaces a tensor's shape (for broken-file tests). */
    public byte[] gguf(Map<String, long[]> shapeOverride) {
        String ggufArch = arch.equals("llama3") ? "llama" : arch;
        String p = ggufArch + ".";
        GgufBuilder g = new GgufBuilder().kvString("general.architecture", ggufArch)
                .kvU32(p + "embedding_length", dim).kvU32(p + "block_count", layers)
                .kvU32(p + "attention.head_count", heads).kvU32(p + "attention.head_count_kv", kvHeads)
                .kvU32(p + "feed_forward_length", ff).kvU32(p + "context_length", 128)
                .kvF32(p + "attention.layer_norm_rms_epsilon", eps).kvF32(p + "rope.freq_base", theta);
        for (var e : tensors.entrySet()) {
            ByteBuffer bb = ByteBuffer.allocate(e.getValue().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : e.getValue()) {
                bb.putFloat(f);
            }
            long[] shape = shapeOverride.getOrDefault(e.getKey(), shapes.get(e.getKey()));
            g.tensor(e.getKey(), 0, shape, bb.array());
        }
        return g.build();
    }

    /** Independent float64 forward pass; returns logits for every position. */
    public double[][] reference(int[] tokens) {
        int n = tokens.length;
        int q = heads * headDim;
        int kv = kvHeads * headDim;
        double[][] logits = new double[n][];
        double[][][] keys = new double[layers][n][];
        double[][][] values = new double[layers][n][];
        boolean neox = !arch.startsWith("llama");
        for (int pos = 0; pos < n; pos++) {
            double[] x = new double[dim];
            for (int i = 0; i < dim; i++) {
                x[i] = tensors.get("token_embd.weight")[tokens[pos] * dim + i];
            }
            for (int l = 0; l < layers; l++) {
                String b = "blk." + l + ".";
                double[] h = norm(x, tensors.get(b + "attn_norm.weight"));
                double[] qv = mv(b + "attn_q.weight", h, q);
                double[] kvv = mv(b + "attn_k.weight", h, kv);
                double[] vv = mv(b + "attn_v.weight", h, kv);
                if (arch.equals("qwen2")) {
                    addTo(qv, tensors.get(b + "attn_q.bias"));
                    addTo(kvv, tensors.get(b + "attn_k.bias"));
                    addTo(vv, tensors.get(b + "attn_v.bias"));
                }
                for (int hh = 0; hh < heads; hh++) {
                    if (arch.equals("qwen3")) {
                        normSlice(qv, hh * headDim, tensors.get(b + "attn_q_norm.weight"));
                    }
                    rope(qv, hh * headDim, pos, neox);
                }
                for (int hh = 0; hh < kvHeads; hh++) {
                    if (arch.equals("qwen3")) {
                        normSlice(kvv, hh * headDim, tensors.get(b + "attn_k_norm.weight"));
                    }
                    rope(kvv, hh * headDim, pos, neox);
                }
                keys[l][pos] = kvv;
                values[l][pos] = vv;
                double[] att = new double[q];
                for (int hh = 0; hh < heads; hh++) {
                    int g = hh / (heads / kvHeads);
                    double[] s = new double[pos + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= pos; j++) {
                        double d = 0;
                        for (int i = 0; i < headDim; i++) {
                            d += qv[hh * headDim + i] * keys[l][j][g * headDim + i];
                        }
                        s[j] = d / Math.sqrt(headDim);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= pos; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j <= pos; j++) {
                        for (int i = 0; i < headDim; i++) {
                            att[hh * headDim + i] += s[j] / sum * values[l][j][g * headDim + i];
                        }
                    }
                }
                addTo(x, mv(b + "attn_output.weight", att, dim));
                h = norm(x, tensors.get(b + "ffn_norm.weight"));
                double[] gate = mv(b + "ffn_gate.weight", h, ff);
                double[] up = mv(b + "ffn_up.weight", h, ff);
                for (int i = 0; i < ff; i++) {
                    gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                }
                addTo(x, mv(b + "ffn_down.weight", gate, dim));
            }
            logits[pos] = mv(tied ? "token_embd.weight" : "output.weight", norm(x, tensors.get("output_norm.weight")), vocab);
        }
        return logits;
    }

    private double[] mv(String name, double[] x, int rows) {
        float[] w = tensors.get(name);
        int cols = x.length;
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += w[r * cols + c] * x[c];
            }
            out[r] = s;
        }
        return out;
    }

    private double[] norm(double[] x, float[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double r = 1 / Math.sqrt(ss / x.length + eps);
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * r * w[i];
        }
        return out;
    }

    private void normSlice(double[] x, int o, float[] w) {
        double ss = 0;
        for (int i = 0; i < headDim; i++) {
            ss += x[o + i] * x[o + i];
        }
        double r = 1 / Math.sqrt(ss / headDim + eps);
        for (int i = 0; i < headDim; i++) {
            x[o + i] = x[o + i] * r * w[i];
        }
    }

    private void rope(double[] x, int o, int pos, boolean neox) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double ang = pos * Math.pow(theta, -2.0 * i / headDim) / (ropeFreqs == null ? 1 : ropeFreqs[i]);
            int a = neox ? o + i : o + 2 * i;
            int b = neox ? o + i + half : o + 2 * i + 1;
            double x0 = x[a];
            double x1 = x[b];
            x[a] = x0 * Math.cos(ang) - x1 * Math.sin(ang);
            x[b] = x0 * Math.sin(ang) + x1 * Math.cos(ang);
        }
    }

    private static void addTo(double[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    private static void addTo(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }
}
