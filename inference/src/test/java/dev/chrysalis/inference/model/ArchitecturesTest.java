package dev.chrysalis.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gguf.GgufFormatException;
import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.testutil.GgufBuilder;
import dev.chrysalis.inference.testutil.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * llama, qwen2 (QKV bias, NeoX RoPE) and qwen3 (per-head QK norm) with tied and separate output weights,
 * against an independent float64 forward pass written for the test ({@link TinyModel#reference}); and
 * shape/architecture validation on load.
 */
class ArchitecturesTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"llama,false", "llama,true", "llama3,true", "qwen2,true", "qwen2,false", "qwen3,false", "qwen3,true"})
    void prefillAndDecodeMatchAnIndependentReference(String arch, boolean tied) throws IOException {
        // "llama3" = llama with Llama 3 RoPE frequency factors (tensor rope_freqs.weight)
        TinyModel tm = new TinyModel(arch, tied, arch.hashCode() + (tied ? 1 : 0));
        Path p = tmp.resolve(arch + tied + ".gguf");
        Files.write(p, tm.gguf(Map.of()));
        int[] tokens = {1, 17, 5, 63, 42, 8, 30};
        double[][] ref = tm.reference(tokens);
        try (GgufFile f = GgufFile.open(p); WorkerPool pool = new WorkerPool(2)) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            assertEquals(Architecture.fromGguf(arch.equals("llama3") ? "llama" : arch).orElseThrow(), m.config().architecture());
            assertEquals(arch.equals("llama3"), m.weights().ropeFreqFactors().isPresent());
            assertEquals(tied, m.config().tiedOutput());
            Transformer tr = new Transformer(m.config(), m.weights(), pool, 8, 16);
            float[] all = tr.forward(KvCache.create(KvCacheType.F32, m.config(), 16), tokens, 0, tokens.length, 0, true);
            KvCache stepCache = KvCache.create(KvCacheType.F32, m.config(), 16);
            for (int pos = 0; pos < tokens.length; pos++) {
                float[] step = tr.forward(stepCache, tokens, pos, 1, pos, false);
                for (int v = 0; v < tm.vocab; v++) {
                    double tol = 1e-4 * Math.max(1, Math.abs(ref[pos][v]));
                    assertEquals(ref[pos][v], all[pos * tm.vocab + v], tol, arch + " prefill pos " + pos + " token " + v);
                    assertEquals(ref[pos][v], step[v], tol, arch + " decode pos " + pos + " token " + v);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"llama,false", "qwen2,true"})
    void matmulFlopsPerTokenCountEveryWeightOfTheOutputAndLayerMatricesOnce(String arch, boolean tied) throws IOException {
        TinyModel tm = new TinyModel(arch, tied, 7);
        Path p = tmp.resolve(arch + tied + "-flops.gguf");
        Files.write(p, tm.gguf(Map.of()));
        try (GgufFile f = GgufFile.open(p)) {
            ModelConfig c = ModelLoader.load(f).config();
            long perLayer = (long) c.dim() * c.qDim() + 2L * c.dim() * c.kvDim() + (long) c.qDim() * c.dim()
                    + 3L * c.dim() * c.ffDim();
            long expected = 2 * ((long) c.vocabSize() * c.dim() + c.layers() * perLayer);
            assertEquals(expected, ModelLoader.load(f).weights().matmulFlopsPerToken());
            // F32 weights: a prefill multiplies all of them in float
            assertEquals(0, ModelLoader.load(f).weights().integerPrefillFlopsPerToken());
        }
    }

    @Test
    void aTensorOfTheWrongShapeIsRejectedByName() throws IOException {
        TinyModel tm = new TinyModel("llama", false, 1);
        Path p = tmp.resolve("bad.gguf");
        // same byte count, wrong shape: [32, 16] -> [16, 32]
        Files.write(p, tm.gguf(Map.of("blk.1.attn_k.weight", new long[] {16, 32})));
        try (GgufFile f = GgufFile.open(p)) {
            var e = assertThrows(GgufFormatException.class, () -> ModelLoader.load(f));
            assertEquals("tensor 'blk.1.attn_k.weight': shape [16, 32] does not match llama (expected [32, 16])", e.getMessage());
        }
    }

    @Test
    void aMissingTensorAndAnUnsupportedArchitectureAreNamed() throws IOException {
        Path p = tmp.resolve("gpt2.gguf");
        Files.write(p, new GgufBuilder().kvString("general.architecture", "gpt2").build());
        try (GgufFile f = GgufFile.open(p)) {
            var e = assertThrows(UnsupportedModelException.class, () -> ModelLoader.load(f));
            assertTrue(e.getMessage().startsWith("metadata 'general.architecture': 'gpt2' is not supported"), e.getMessage());
        }
        TinyModel tm = new TinyModel("qwen2", true, 2);
        tm.tensors.remove("blk.0.attn_v.bias");
        Path q = tmp.resolve("nobias.gguf");
        Files.write(q, tm.gguf(Map.of()));
        try (GgufFile f = GgufFile.open(q)) {
            var e = assertThrows(GgufFormatException.class, () -> ModelLoader.load(f));
            assertEquals("tensor 'blk.0.attn_v.bias': missing from nobias.gguf", e.getMessage());
        }
    }
}
