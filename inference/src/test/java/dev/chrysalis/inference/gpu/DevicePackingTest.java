package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.model.LayerWeights;
import dev.chrysalis.inference.model.ModelConfig;
import dev.chrysalis.inference.model.ModelLoader;
import dev.chrysalis.inference.model.ModelWeights;
import dev.chrysalis.inference.tensor.WeightMatrix;
import dev.chrysalis.inference.testutil.Fixtures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sizing of the device allocations, checked before anything is uploaded. */
class DevicePackingTest {

    @Test
    void arraysStartOn256ByteBoundariesWithoutOverlap() {
        DevicePacking p = new DevicePacking();
        assertEquals(0, p.add(10));
        assertEquals(256, p.add(256));
        assertEquals(512, p.add(1));
        assertEquals(768, p.size());
        assertThrows(IllegalArgumentException.class, () -> p.add(0));
        assertEquals(256, new DevicePacking().size(), "an empty packing still allocates");
    }

    @Test
    void weightsTakeTheirFileBytesPlusFloatNormsOnceEach() throws IOException {
        for (String model : List.of("stories260K.gguf", "tiny-Q4_0.gguf", "small-Q4_K.gguf")) {
            try (GgufFile f = GgufFile.open(Fixtures.model(model))) {
                ModelWeights w = ModelLoader.load(f).weights();
                List<WeightMatrix> matrices = new ArrayList<>(List.of(w.tokenEmbedding()));
                long floats = 4L * w.outputNorm().length;
                int arrays = 1;
                for (LayerWeights l : w.layers()) {
                    matrices.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
                    floats += 4L * (l.attnNorm().length + l.ffnNorm().length);
                    arrays += 2;
                }
                boolean tied = w.output().data().address() == w.tokenEmbedding().data().address();
                if (!tied) {
                    matrices.add(w.output());
                }
                long raw = matrices.stream().mapToLong(WeightMatrix::byteSize).sum() + floats;
                arrays += matrices.size();
                long bytes = DeviceWeights.bytes(w);
                assertTrue(bytes >= raw, model + ": " + bytes + " < " + raw);
                assertTrue(bytes - raw < (long) arrays * DevicePacking.ALIGNMENT, model + ": padding beyond one alignment per array");
            }
        }
    }

    @Test
    void activationBuffersHoldTheLargestBatchRoundedToTheTile() throws IOException {
        assertEquals(64, Activations.paddedRows(1));
        assertEquals(64, Activations.paddedRows(64));
        assertEquals(128, Activations.paddedRows(65));
        try (GgufFile f = GgufFile.open(Fixtures.model("stories260K.gguf"))) {
            ModelConfig c = ModelLoader.load(f).config();
            long[] s = Activations.sizes(c, 16, 8);
            assertEquals(64L * c.dim() * 4, s[0], "x");
            assertEquals(64L * c.vocabSize() * 4, s[8], "logits of every token of a batch");
            assertEquals((long) c.heads() * 8 * (c.headDim() + 2) * 4, s[9], "flash-decoding partials: acc, max, sum per head and split");
            long widest = Math.max(Math.max(c.dim(), c.qDim()), c.ffDim());
            assertEquals(widest, s[10], "one token's widest x as Q8_0 integers");
            assertEquals((widest + 31) / 32 * 4, s[11], "its scales");
            assertEquals((widest + 31) / 32 * 4, s[12], "its block sums");
            assertEquals(Activations.IDS_OFFSET + 16 * 4, s[13], "position, uniform, picked id, then the batch's token ids");
            long sum = 0;
            for (long b : s) {
                sum += b;
            }
            assertTrue(Activations.bytes(c, 16, 8) >= sum);
        }
    }
}
