package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.gguf.GgmlType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The quantizers of the shared tools' {@code ggml_quants.py}, which {@code gen_gguf.py} writes its models
 * with, bit for bit: the same float32 arithmetic in the same order, the same rounding (C {@code roundf}
 * for Q8_0, truncation for Q4_0, round-half-even for the K types) and the same simple, non-searching
 * choice of K-quant scales. So a model generated here is the file the Python tool writes.
 *
 * <p>Q5_K, Q4_1 and BF16, which the Python tool does not write, are quantized here so that {@code bench inference} can
 * measure them against llama.cpp: Q5_K the way its Q4_K is (the same scales and mins, 31 levels instead of 15), Q4_1
 * as ggml's reference quantizer does (the block's min and (max - min) / 15, values rounded half up), BF16 as ggml
 * rounds a float to it (to nearest, ties to even).
 */
final class ReferenceQuantizers {

    private ReferenceQuantizers() {
    }

    /** Appends the encoding of {@code x[0..n)} as {@code type} to {@code out} (little-endian). */
    static void quantize(GgmlType type, float[] x, int n, ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(x[i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.putShort(Float.floatToFloat16(x[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out.putShort(bfloat16(x[i]));
                }
            }
            case Q8_0 -> forBlocks(x, n, 32, (b) -> q8_0(x, b, out));
            case Q4_0 -> forBlocks(x, n, 32, (b) -> q4_0(x, b, out));
            case Q4_1 -> forBlocks(x, n, 32, (b) -> q4_1(x, b, out));
            case Q4_K -> forBlocks(x, n, 256, (b) -> kQuant(x, b, 15, out));
            case Q5_K -> forBlocks(x, n, 256, (b) -> kQuant(x, b, 31, out));
            case Q6_K -> forBlocks(x, n, 256, (b) -> q6_k(x, b, out));
            default -> throw new IllegalArgumentException("no quantizer for " + type + " tensors (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K)");
        }
    }

    /** ggml's float to bfloat16: the top 16 bits rounded to nearest, ties to even; a NaN stays a (quiet) NaN. */
    static short bfloat16(float v) {
        int u = Float.floatToRawIntBits(v);
        if ((u & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + 0x7FFF + ((u >>> 16) & 1)) >>> 16);
    }

    private interface Block {
        void at(int start);
    }

    private static void forBlocks(float[] x, int n, int size, Block block) {
        if (n % size != 0) {
            throw new IllegalArgumentException(n + " values are not whole blocks of " + size);
        }
        for (int b = 0; b < n; b += size) {
            block.at(b);
        }
    }

    private static float f16(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
    }

    /** {@code np.sign(v) * np.floor(np.abs(v) + 0.5)} in float32: C roundf, halves away from zero. */
    private static float roundAway(float v) {
        return Math.signum(v) * (float) Math.floor(Math.abs(v) + 0.5f);
    }

    /** Index of the first element of largest magnitude, as numpy's argmax of abs. */
    private static int firstAbsMax(float[] x, int from, int n) {
        int best = from;
        for (int i = from + 1; i < from + n; i++) {
            if (Math.abs(x[i]) > Math.abs(x[best])) {
                best = i;
            }
        }
        return best;
    }

    private static void q8_0(float[] x, int b, ByteBuffer out) {
        float amax = 0;
        for (int i = b; i < b + 32; i++) {
            amax = Math.max(amax, Math.abs(x[i]));
        }
        float d = amax / 127f;
        float idv = d != 0 ? 1f / d : 0f;
        out.putShort(Float.floatToFloat16(d));
        for (int i = b; i < b + 32; i++) {
            out.put((byte) roundAway(x[i] * idv));
        }
    }

    private static void q4_0(float[] x, int b, ByteBuffer out) {
        float mx = x[firstAbsMax(x, b, 32)];
        float d = mx / -8f;
        float idv = d != 0 ? 1f / d : 0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[b + j] * idv + 8.5f));
            int hi = Math.min(15, (int) (x[b + 16 + j] * idv + 8.5f));
            out.put((byte) (lo | hi << 4));
        }
    }

    private static void q4_1(float[] x, int b, ByteBuffer out) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = b; i < b + 32; i++) {
            min = Math.min(min, x[i]);
            max = Math.max(max, x[i]);
        }
        float d = (max - min) / 15f;
        float idv = d != 0 ? 1f / d : 0f;
        out.putShort(Float.floatToFloat16(d));
        out.putShort(Float.floatToFloat16(min));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) ((x[b + j] - min) * idv + 0.5f));
            int hi = Math.min(15, (int) ((x[b + 16 + j] - min) * idv + 0.5f));
            out.put((byte) (lo | hi << 4));
        }
    }

    /** Q4_K ({@code levels} 15) or Q5_K (31): 6-bit scales and mins per 32 values, then 4- or 5-bit values. */
    private static void kQuant(float[] x, int b, int levels, ByteBuffer out) {
        float[] scale = new float[8];
        float[] mins = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int s = 0; s < 8; s++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = b + 32 * s; i < b + 32 * s + 32; i++) {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, x[i]);
            }
            float xmin = Math.min(lo, 0f);
            scale[s] = (hi - xmin) / levels;
            mins[s] = -xmin;
            maxScale = Math.max(maxScale, scale[s]);
            maxMin = Math.max(maxMin, mins[s]);
        }
        float d = maxScale / 63f;
        float dmin = maxMin / 63f;
        float d16 = f16(d);
        float dmin16 = f16(dmin);
        int[] sc = new int[8];
        int[] mn = new int[8];
        for (int s = 0; s < 8; s++) {
            sc[s] = d16 > 0 ? clamp(Math.rint(scale[s] / d16), 0, 63) : 0;
            mn[s] = dmin16 > 0 ? clamp(Math.rint(mins[s] / dmin16), 0, 63) : 0;
        }
        out.putShort(Float.floatToFloat16(d));
        out.putShort(Float.floatToFloat16(dmin));
        for (int j = 0; j < 4; j++) {
            out.put((byte) ((sc[j] & 63) | (sc[j + 4] >> 4) << 6));
        }
        for (int j = 0; j < 4; j++) {
            out.put((byte) ((mn[j] & 63) | (mn[j + 4] >> 4) << 6));
        }
        for (int j = 0; j < 4; j++) {
            out.put((byte) ((sc[j + 4] & 15) | (mn[j + 4] & 15) << 4));
        }
        int[] q = new int[256];
        for (int s = 0; s < 8; s++) {
            float effD = d16 * sc[s];
            float effM = dmin16 * mn[s];
            for (int i = 0; i < 32; i++) {
                q[32 * s + i] = effD > 0 ? clamp(Math.rint((x[b + 32 * s + i] + effM) / effD), 0, levels) : 0;
            }
        }
        if (levels > 15) {
            // Q5_K: bit 4 of value i of sub-block s is bit s of high byte i, before the nibbles
            for (int i = 0; i < 32; i++) {
                int h = 0;
                for (int s = 0; s < 8; s++) {
                    h |= (q[32 * s + i] >> 4) << s;
                }
                out.put((byte) h);
            }
        }
        // chunk c holds sub-block 2c in the low nibbles and 2c + 1 in the high ones
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 32; i++) {
                out.put((byte) ((q[64 * c + i] & 15) | (q[64 * c + 32 + i] & 15) << 4));
            }
        }
    }

    private static void q6_k(float[] x, int b, ByteBuffer out) {
        float[] sub = new float[16];
        float big = 0;
        for (int s = 0; s < 16; s++) {
            sub[s] = x[firstAbsMax(x, b + 16 * s, 16)] / -32f;
            big = Math.max(big, Math.abs(sub[s]));
        }
        float d = big / 127f;
        float d16 = f16(d);
        int[] sc = new int[16];
        int[] q = new int[256];
        for (int s = 0; s < 16; s++) {
            sc[s] = d16 > 0 ? clamp(Math.rint(sub[s] / d16), -128, 127) : 0;
            float eff = d16 * sc[s];
            for (int i = 0; i < 16; i++) {
                q[16 * s + i] = (eff != 0 ? clamp(Math.rint(x[b + 16 * s + i] / eff), -32, 31) : 0) + 32;
            }
        }
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < 32; j++) {
                int a = q[128 * h + j];
                int bb = q[128 * h + 32 + j];
                int c = q[128 * h + 64 + j];
                int e = q[128 * h + 96 + j];
                ql[64 * h + j] = (byte) ((a & 15) | (c & 15) << 4);
                ql[64 * h + 32 + j] = (byte) ((bb & 15) | (e & 15) << 4);
                qh[32 * h + j] = (byte) ((a >> 4) | (bb >> 4) << 2 | (c >> 4) << 4 | (e >> 4) << 6);
            }
        }
        out.put(ql).put(qh);
        for (int s = 0; s < 16; s++) {
            out.put((byte) sc[s]);
        }
        out.putShort(Float.floatToFloat16(d));
    }

    private static int clamp(double v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }
}
