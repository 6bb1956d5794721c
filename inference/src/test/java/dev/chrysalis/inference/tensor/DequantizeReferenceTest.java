package dev.chrysalis.inference.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.kernels.WorkerPool;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Dequantization of every supported type against vectors produced once by
 * {@code src/test/python/make_dequant_vectors.py} from the shared {@code ggml_quants.py} (random blocks),
 * bit for bit; then every fused/vectorized product against that scalar definition.
 */
class DequantizeReferenceTest {

    private static JsonNode vectors() throws IOException {
        try (InputStream in = DequantizeReferenceTest.class.getResourceAsStream("dequant-vectors.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static MemorySegment bytes(JsonNode c) {
        return MemorySegment.ofArray(Base64.getDecoder().decode(c.get("bytes").asText()));
    }

    @Test
    void everySupportedTypeDequantizesExactlyAsTheReference() throws IOException {
        Set<GgmlType> covered = EnumSet.noneOf(GgmlType.class);
        for (JsonNode c : vectors().get("cases")) {
            GgmlType type = GgmlType.valueOf(c.get("type").asText());
            int n = c.get("elements").asInt();
            float[] y = new float[n];
            Dequantize.dequantize(type, bytes(c), 0, y, 0, n);
            for (int i = 0; i < n; i++) {
                int expected = c.get("bits").get(i).asInt();
                assertEquals(Float.intBitsToFloat(expected), y[i], 0f, type + " element " + i);
            }
            // the vectorized row dequantizers agree too
            float[] v = new float[n];
            new WeightMatrix("t", type, 1, n, bytes(c)).dequantizeRow(0, v, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(y[i], v[i], 0f, type + " vector element " + i);
            }
            covered.add(type);
        }
        for (GgmlType t : GgmlType.values()) {
            if (t.isSupported()) {
                assertTrue(covered.contains(t), "no reference vectors for " + t);
            }
        }
    }

    @Test
    void fusedAndBatchedProductsMatchDequantizeThenMultiply() throws IOException {
        Random rnd = new Random(3);
        try (WorkerPool pool = new WorkerPool(2)) {
            for (JsonNode c : vectors().get("cases")) {
                GgmlType type = GgmlType.valueOf(c.get("type").asText());
                int n = c.get("elements").asInt();
                // view the blocks as a matrix of 2 rows when possible, to exercise row offsets
                int rows = (n / 2) % Math.max(type.blockSize(), 1) == 0 && n / 2 >= type.blockSize() ? 2 : 1;
                int cols = n / rows;
                WeightMatrix w = new WeightMatrix("t", type, rows, cols, bytes(c));
                float[] deq = new float[n];
                Dequantize.dequantize(type, bytes(c), 0, deq, 0, n);
                int batch = 7;
                float[] x = new float[batch * cols];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                float[][] scratch = {new float[Math.max(256, 4 * cols)], new float[Math.max(256, 4 * cols)]};
                float[] out = new float[batch * rows];
                w.matmul(pool, x, batch, out, scratch);
                float[] single = new float[rows];
                for (int b = 0; b < batch; b++) {
                    float[] xb = java.util.Arrays.copyOfRange(x, b * cols, (b + 1) * cols);
                    w.matvec(pool, xb, single, scratch);
                    for (int r = 0; r < rows; r++) {
                        double ref = 0;
                        double mag = 0;
                        for (int i = 0; i < cols; i++) {
                            ref += (double) deq[r * cols + i] * xb[i];
                            mag += Math.abs((double) deq[r * cols + i] * xb[i]);
                        }
                        double tol = 1e-5 * mag + 1e-6;
                        assertEquals(ref, out[b * rows + r], tol, type + " batched row " + r + " token " + b);
                        assertEquals(ref, single[r], tol, type + " fused row " + r + " token " + b);
                    }
                }
            }
        }
    }
}
