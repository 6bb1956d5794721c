package dev.chrysalis.inference.tensor;

import dev.chrysalis.inference.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar dequantization of GGML blocks, one block at a time. This is the readable definition of every
 * supported format; the vector kernels are checked against it.
 */
public final class Dequantize {

    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Dequantize() {
    }

    static float f16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(F16, off));
    }

    static int u8(MemorySegment s, long off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    /**
     * Dequantizes {@code count} elements (a multiple of the type's block size) starting at byte
     * {@code off} of {@code src} into {@code dst[dstOff..]}.
     */
    public static void dequantize(GgmlType type, MemorySegment src, long off, float[] dst, int dstOff, int count) {
        int bs = type.blockSize();
        if (count % bs != 0) {
            throw new IllegalArgumentException(count + " elements is not a multiple of the " + type + " block size " + bs);
        }
        int blocks = count / bs;
        long bb = type.bytesPerBlock();
        for (int b = 0; b < blocks; b++) {
            block(type, src, off + b * bb, dst, dstOff + b * bs);
        }
    }

    /** Dequantizes one block at {@code off} into {@code y[o .. o+blockSize)}. */
    public static void block(GgmlType type, MemorySegment s, long off, float[] y, int o) {
        switch (type) {
            case F32 -> y[o] = s.get(F32, off);
            case F16 -> y[o] = f16(s, off);
            case BF16 -> y[o] = Float.intBitsToFloat((s.get(F16, off) & 0xFFFF) << 16);
            case Q8_0 -> {
                float d = f16(s, off);
                for (int i = 0; i < 32; i++) {
                    y[o + i] = d * s.get(ValueLayout.JAVA_BYTE, off + 2 + i);
                }
            }
            case Q4_0 -> {
                float d = f16(s, off);
                for (int i = 0; i < 16; i++) {
                    int q = u8(s, off + 2 + i);
                    y[o + i] = d * ((q & 0xF) - 8);
                    y[o + i + 16] = d * ((q >>> 4) - 8);
                }
            }
            case Q4_1 -> {
                float d = f16(s, off);
                float m = f16(s, off + 2);
                for (int i = 0; i < 16; i++) {
                    int q = u8(s, off + 4 + i);
                    y[o + i] = d * (q & 0xF) + m;
                    y[o + i + 16] = d * (q >>> 4) + m;
                }
            }
            case Q4_K -> q4k(s, off, y, o);
            case Q5_K -> q5k(s, off, y, o);
            case Q6_K -> q6k(s, off, y, o);
            default -> throw new UnsupportedOperationException("no dequantizer for " + type);
        }
    }

    /** The 6-bit scale (index 0) and min (index 1) of sub-block {@code j} of a Q4_K/Q5_K block. */
    static void scaleMinK4(int j, MemorySegment s, long scalesOff, int[] out) {
        if (j < 4) {
            out[0] = u8(s, scalesOff + j) & 63;
            out[1] = u8(s, scalesOff + j + 4) & 63;
        } else {
            out[0] = (u8(s, scalesOff + j + 4) & 0xF) | ((u8(s, scalesOff + j - 4) >>> 6) << 4);
            out[1] = (u8(s, scalesOff + j + 4) >>> 4) | ((u8(s, scalesOff + j) >>> 6) << 4);
        }
    }

    private static void q4k(MemorySegment s, long off, float[] y, int o) {
        float d = f16(s, off);
        float dmin = f16(s, off + 2);
        long scales = off + 4;
        long qs = off + 16;
        int[] sm = new int[2];
        for (int c = 0; c < 4; c++) {
            scaleMinK4(2 * c, s, scales, sm);
            float d1 = d * sm[0];
            float m1 = dmin * sm[1];
            scaleMinK4(2 * c + 1, s, scales, sm);
            float d2 = d * sm[0];
            float m2 = dmin * sm[1];
            for (int l = 0; l < 32; l++) {
                int q = u8(s, qs + 32 * c + l);
                y[o + 64 * c + l] = d1 * (q & 0xF) - m1;
                y[o + 64 * c + 32 + l] = d2 * (q >>> 4) - m2;
            }
        }
    }

    private static void q5k(MemorySegment s, long off, float[] y, int o) {
        float d = f16(s, off);
        float dmin = f16(s, off + 2);
        long scales = off + 4;
        long qh = off + 16;
        long qs = off + 48;
        int[] sm = new int[2];
        for (int c = 0; c < 4; c++) {
            scaleMinK4(2 * c, s, scales, sm);
            float d1 = d * sm[0];
            float m1 = dmin * sm[1];
            scaleMinK4(2 * c + 1, s, scales, sm);
            float d2 = d * sm[0];
            float m2 = dmin * sm[1];
            int u1 = 1 << (2 * c);
            int u2 = 2 << (2 * c);
            for (int l = 0; l < 32; l++) {
                int q = u8(s, qs + 32 * c + l);
                int h = u8(s, qh + l);
                y[o + 64 * c + l] = d1 * ((q & 0xF) + ((h & u1) != 0 ? 16 : 0)) - m1;
                y[o + 64 * c + 32 + l] = d2 * ((q >>> 4) + ((h & u2) != 0 ? 16 : 0)) - m2;
            }
        }
    }

    private static void q6k(MemorySegment s, long off, float[] y, int o) {
        long ql = off;
        long qh = off + 128;
        long sc = off + 192;
        float d = f16(s, off + 208);
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int a = u8(s, ql + 64 * h + l);
                int b = u8(s, ql + 64 * h + 32 + l);
                int hh = u8(s, qh + 32 * h + l);
                int q1 = ((a & 0xF) | ((hh & 3) << 4)) - 32;
                int q2 = ((b & 0xF) | (((hh >>> 2) & 3) << 4)) - 32;
                int q3 = ((a >>> 4) | (((hh >>> 4) & 3) << 4)) - 32;
                int q4 = ((b >>> 4) | (((hh >>> 6) & 3) << 4)) - 32;
                int base = o + 128 * h;
                y[base + l] = d * s.get(ValueLayout.JAVA_BYTE, sc + 8 * h + is) * q1;
                y[base + 32 + l] = d * s.get(ValueLayout.JAVA_BYTE, sc + 8 * h + is + 2) * q2;
                y[base + 64 + l] = d * s.get(ValueLayout.JAVA_BYTE, sc + 8 * h + is + 4) * q3;
                y[base + 96 + l] = d * s.get(ValueLayout.JAVA_BYTE, sc + 8 * h + is + 6) * q4;
            }
        }
    }
}
