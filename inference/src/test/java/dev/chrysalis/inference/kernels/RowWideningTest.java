package dev.chrysalis.inference.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The KV caches' widening: halves against {@link Float#float16ToFloat} bit for bit, Q8_0 blocks and scaled bytes against d * q. */
class RowWideningTest {

    @Test
    void everyHalfWidensToTheBitsOfFloat16ToFloat() {
        int lanes = VectorKernels.lanes();
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;  // zeros, subnormals, normals, infinities and NaNs of both signs
        }
        float[] got = new float[lanes];
        for (int i = 0; i < all.length; i += lanes) {
            VectorKernels.halves(all, i).intoArray(got, 0);
            for (int l = 0; l < lanes; l++) {
                int h = i + l;
                assertEquals(Float.floatToRawIntBits(Float.float16ToFloat(all[h])), Float.floatToRawIntBits(got[l]),
                        () -> String.format("half 0x%04x", h));
            }
        }
    }

    @Test
    void rowsWidenWholeVectorsAndATail() {
        Random r = new Random(7);
        for (int n : new int[] {64, 80, 7}) {
            short[] h = new short[n + 3];
            for (int i = 0; i < h.length; i++) {
                h[i] = Float.floatToFloat16((float) r.nextGaussian());
            }
            float[] out = new float[n + 5];
            VectorKernels.widenHalves(h, 3, out, 5, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.float16ToFloat(h[3 + i]), out[5 + i], "n " + n + ", element " + i);
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(0f, out[i], "before the output offset");
            }
        }
    }

    @Test
    void bytesScaleLaneByLane() {
        Random r = new Random(13);
        for (int n : new int[] {64, 16, 8, 21}) {
            byte[] q = new byte[n + 2];
            r.nextBytes(q);
            float[] d = new float[n + 1];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) r.nextGaussian();
            }
            float[] out = new float[n + 3];
            VectorKernels.scaleBytes(q, 2, d, 1, out, 3, n);
            for (int i = 0; i < n; i++) {
                assertEquals(d[1 + i] * q[2 + i], out[3 + i], "n " + n + ", element " + i);
            }
        }
    }

    @Test
    void q8RowsWidenToTheScaledIntegers() {
        Random r = new Random(11);
        for (int n : new int[] {32, 64, 128}) {
            byte[] q = new byte[n + 32];
            r.nextBytes(q);
            float[] d = {0.5f, 0.013f, 1e-3f, 7.25f, 0.1f, 0.2f};
            float[] out = new float[n];
            VectorKernels.widenQ8(q, 32, d, 1, out, n);
            for (int i = 0; i < n; i++) {
                assertEquals(d[1 + i / 32] * q[32 + i], out[i], "n " + n + ", element " + i);
            }
        }
    }
}
