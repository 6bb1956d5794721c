package dev.chrysalis.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.testutil.Refs;
import dev.chrysalis.inference.tensor.WeightMatrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Top-10 logits at every prompt position against the float64 numpy reference (weights dequantized
 * exactly, activations not quantized). This engine also keeps activations in float32 and dequantizes
 * weights exactly, so quantized models are held to the same standard as F32 ones: the only difference
 * left is float32 rounding in long sums (dim up to 256, vocab up to 32000), bounded here by
 * 1e-4 relative + 2e-4 absolute. Against llama.cpp, which quantizes activations to Q8 inside its matmuls,
 * quantized models differ by ~0.1-0.2 (see the fixture README); we check 0.35 there.
 *
 * <p>With Q4_0 and Q8_0 matrices tiled (the engine's default on the CPU: Q8 activations as in llama.cpp,
 * exact integer sums, then the same per-block float scaling) decode's logits match llama.cpp's to float
 * rounding, on most fixtures to the last bit; prefill multiplies the same Q8 values in float. small-Q8_0 agrees to 5e-7 at positions 0-2 and then steps
 * to 0.09 at position 3 and stays there through the KV cache: the signature of one activation landing
 * near a rounding boundary of its 8-bit quantization, where float32 summation order decides it (every
 * tiled matrix of that model matches the Q8 reference exactly on its own). So: decode's first three
 * positions within 1e-4, every position of decode and prefill within 0.35 of llama.cpp and of float64.
 */
class TransformerReferenceLogitsTest {

    static Stream<String> refs() {
        return Refs.all().stream();
    }

    @ParameterizedTest
    @MethodSource("refs")
    void topLogitsAtEveryPositionMatchTheFloat64Reference(String json) throws IOException {
        Refs refs = Refs.load(json);
        try (GgufFile f = GgufFile.open(refs.modelPath()); WorkerPool pool = new WorkerPool(2)) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            int n = refs.promptTokens().length;
            Transformer tr = new Transformer(m.config(), m.weights(), pool, 64, 64);
            KvCache cache = KvCache.create(KvCacheType.F32, m.config(), 64);
            float[] logits = tr.forward(cache, refs.promptTokens(), 0, n, 0, true);
            int vocab = m.config().vocabSize();
            double worst = check(refs.topPerPosition("numpy_f64"), logits, vocab, 1e-4, 2e-4, json + " vs numpy_f64");
            double worstLc = check(refs.topPerPosition("llamacpp_kvF32"), logits, vocab, 0, 0.35, json + " vs llamacpp_kvF32");
            // the same prompt one token at a time: the decode path (fused dequantize-and-dot kernels)
            KvCache stepCache = KvCache.create(KvCacheType.F32, m.config(), 64);
            float[] stepLogits = new float[n * vocab];
            for (int p = 0; p < n; p++) {
                float[] l = tr.forward(stepCache, refs.promptTokens(), p, 1, p, false);
                System.arraycopy(l, 0, stepLogits, p * vocab, vocab);
            }
            double worstStep = check(refs.topPerPosition("numpy_f64"), stepLogits, vocab, 1e-4, 2e-4, json + " decode vs numpy_f64");
            // prefill chunks whose logits are skipped store the keys and values that chunks with logits store: checked
            // to float rounding, since what is asked here is that they are stored (EngineTest holds a cached prefix's
            // logits to the bit)
            KvCache skipped = KvCache.create(KvCacheType.F32, m.config(), 64);
            KvCache kept = KvCache.create(KvCacheType.F32, m.config(), 64);
            for (int p = 0; p < n - 1; p += 3) {
                int len = Math.min(3, n - 1 - p);
                tr.forwardWithoutLogits(skipped, refs.promptTokens(), p, len, p);
                tr.forward(kept, refs.promptTokens(), p, len, p, false);
            }
            float[] afterKept = tr.forward(kept, refs.promptTokens(), n - 1, 1, n - 1, false);
            float[] afterSkipped = tr.forward(skipped, refs.promptTokens(), n - 1, 1, n - 1, false);
            double largest = 0;
            double worstChunked = 0;
            for (int i = 0; i < vocab; i++) {
                largest = Math.max(largest, Math.abs(afterKept[i]));
                worstChunked = Math.max(worstChunked, Math.abs(afterKept[i] - afterSkipped[i]));
            }
            assertTrue(worstChunked <= 1e-5 * Math.max(1, largest),
                    json + ": last logits after chunks without logits differ by " + worstChunked + " (largest logit " + largest + ")");
            System.out.printf("%s: max |diff| vs numpy_f64 %.2e (decode %.2e), vs llama.cpp %.2e%n", json, worst, worstStep, worstLc);
        }
    }

    @ParameterizedTest
    @MethodSource("refs")
    void tiledProductsWithQ8ActivationsMatchLlamaCpp(String json) throws IOException {
        Refs refs = Refs.load(json);
        try (GgufFile f = GgufFile.open(refs.modelPath()); WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            ModelWeights tiled = m.weights().tiled(pool, arena);
            long tiledCount = Stream.concat(Stream.of(tiled.output()), tiled.layers().stream().flatMap(l -> Stream.of(l.wq(), l.wk(), l.wv(),
                    l.wo(), l.wGate(), l.wUp(), l.wDown()))).filter(WeightMatrix::isTiled).count();
            Assumptions.assumeTrue(tiledCount > 0, json + ": no Q4_0, Q4_K or Q8_0 matrix to tile");
            // what Engine.load prefaults: exactly the matrices still read from the file, each once
            List<WeightMatrix> mapped = tiled.mappedMatrices();
            long untiled = Stream.concat(Stream.of(tiled.tokenEmbedding(), tiled.output()), tiled.layers().stream().flatMap(l -> Stream.of(
                    l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()))).filter(w -> !w.isTiled())
                    .map(w -> w.data().address()).distinct().count();
            assertEquals(untiled, mapped.size(), json + ": mapped matrices " + mapped);
            assertTrue(mapped.stream().noneMatch(WeightMatrix::isTiled), json + ": a tiled matrix would be prefaulted: " + mapped);
            assertEquals(m.weights().mappedMatrices().size(), Stream.concat(Stream.of(m.weights().tokenEmbedding(), m.weights().output()),
                    m.weights().layers().stream().flatMap(l -> Stream.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())))
                    .map(w -> w.data().address()).distinct().count(), json + ": untiled weights read every matrix from the file");
            int n = refs.promptTokens().length;
            int vocab = m.config().vocabSize();
            Transformer tr = new Transformer(m.config(), tiled, pool, 64, 64);
            // decode, one token at a time: the 16-bit integer kernels, llama.cpp's own arithmetic
            KvCache stepCache = KvCache.create(KvCacheType.F32, m.config(), 64);
            float[] stepLogits = new float[n * vocab];
            for (int p = 0; p < n; p++) {
                System.arraycopy(tr.forward(stepCache, refs.promptTokens(), p, 1, p, false), 0, stepLogits, p * vocab, vocab);
            }
            double[][][] lc = refs.topPerPosition("llamacpp_kvF32");
            double worstLc = check(lc, stepLogits, vocab, 0, 0.35, json + " tiled decode vs llamacpp_kvF32");
            int same = positionsMatching(lc, stepLogits, vocab, 1e-4);
            // or the float64 emulation of llama.cpp's activation rounding: llama.cpp's own Q4_K logits differ from it by
            // 0.15 (the fixture's max_abs_diff_vs_llamacpp_same_kv_last_pos; its repacked x86 kernels), ours by 2e-6
            int sameEmulated = positionsMatching(refs.topPerPosition("numpy_emulated_kvF32"), stepLogits, vocab, 1e-4);
            assertTrue(Math.max(same, sameEmulated) >= Math.min(3, n), json + ": only the first " + same + " positions match llama.cpp to 1e-4, "
                    + sameEmulated + " its float64 emulation");
            double worstNp = check(refs.topPerPosition("numpy_f64"), stepLogits, vocab, 0, 0.35, json + " tiled decode vs numpy_f64");
            // prefill: float products of the same Q8 values, so the same up to float rounding, and then up
            // to where a rounding boundary is crossed differently (as against llama.cpp)
            float[] logits = tr.forward(KvCache.create(KvCacheType.F32, m.config(), 64), refs.promptTokens(), 0, n, 0, true);
            check(lc, logits, vocab, 0, 0.35, json + " tiled prefill vs llamacpp_kvF32");
            check(refs.topPerPosition("numpy_f64"), logits, vocab, 0, 0.35, json + " tiled prefill vs numpy_f64");
            double worstStep = 0;
            for (int i = 0; i < n * vocab; i++) {
                worstStep = Math.max(worstStep, Math.abs(stepLogits[i] - logits[i]));
            }
            assertTrue(worstStep <= 0.35, json + ": decode and prefill differ by " + worstStep);
            System.out.printf("%s tiled (%d matrices): first %d of %d positions match llama.cpp to 1e-4 (%d its emulation); max |diff| vs "
                    + "llama.cpp %.2e, vs numpy_f64 %.2e, decode vs prefill %.2e%n", json, tiledCount, same, n, sameEmulated, worstLc, worstNp, worstStep);
        }
    }

    /** How many leading positions match {@code ref} within {@code abs} at every listed token. */
    static int positionsMatching(double[][][] ref, float[] logits, int vocab, double abs) {
        for (int p = 0; p < ref.length; p++) {
            for (double[] e : ref[p]) {
                if (Math.abs(logits[p * vocab + (int) e[0]] - e[1]) > abs) {
                    return p;
                }
            }
        }
        return ref.length;
    }

    static double check(double[][][] ref, float[] logits, int vocab, double rel, double abs, String what) {
        double worst = 0;
        for (int p = 0; p < ref.length; p++) {
            for (double[] e : ref[p]) {
                double ours = logits[p * vocab + (int) e[0]];
                double diff = Math.abs(ours - e[1]);
                worst = Math.max(worst, diff);
                assertTrue(diff <= abs + rel * Math.abs(e[1]),
                        what + ": position " + p + " token " + (int) e[0] + ": ours " + ours + " reference " + e[1]);
            }
        }
        return worst;
    }
}
