package dev.chrysalis.inference.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.bench.SyntheticLlama;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gpu.CudaTransformer;
import dev.chrysalis.inference.gpu.RequiresCuda;
import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.model.ForwardPass;
import dev.chrysalis.inference.model.KvCache;
import dev.chrysalis.inference.model.KvCacheType;
import dev.chrysalis.inference.model.ModelLoader;
import dev.chrysalis.inference.model.Transformer;
import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.testutil.Refs;
import dev.chrysalis.inference.testutil.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPU forward pass against the CPU one, both with an F16 KV cache: prefill of a prompt (every
 * position's logits) and decode steps (graph capture on the first, replays after), for every fixture
 * model.
 *
 * <p>Tolerance: at each position, max |gpu - cpu| over the vocabulary divided by the range (max - min) of
 * the CPU logits must stay within {@value #TOLERANCE}. The two sides differ only in rounding: the
 * tensor-core prefill rounds activations to half (relative error 2^-11 per element) before multiplying,
 * and every kernel sums in another order; through a few layers that moves logits by about 1e-4..1e-3 of
 * their range. A launch or layout error (a wrong position, head, row, split or quant block) moves them by
 * a sizeable fraction of the range, far above 1e-2.
 */
@RequiresCuda
class CudaForwardPassTest {

    static final double TOLERANCE = 1e-2;
    static final int DECODE_STEPS = 16;

    static Stream<String> refs() {
        return Refs.all().stream();
    }

    @ParameterizedTest
    @MethodSource("refs")
    void prefillAndDecodeLogitsMatchTheCpuPath(String json, CudaDevice gpu) throws IOException {
        Refs refs = Refs.load(json);
        double worst = compare(refs.modelPath(), gpu, refs.promptTokens(), 64, DECODE_STEPS);
        System.out.printf(Locale.ROOT, "%s: worst |gpu - cpu| / logit range %.2e%n", json, worst);
    }

    /**
     * qwen2 (Q/K/V biases, NeoX RoPE), qwen3 (per-head Q/K norms), llama3 (RoPE frequency factors), with
     * tied and separate output weights: the launches the fixtures (all llama) never make.
     */
    @ParameterizedTest
    @CsvSource({"qwen2,true", "qwen2,false", "qwen3,false", "qwen3,true", "llama3,true", "llama,false"})
    void otherArchitecturesMatchTheCpuPath(String arch, boolean tied, CudaDevice gpu, @TempDir Path tmp) throws IOException {
        Path p = tmp.resolve(arch + tied + ".gguf");
        Files.write(p, new TinyModel(arch, tied, arch.hashCode() + (tied ? 1 : 0)).gguf(Map.of()));
        int[] prompt = {1, 17, 5, 63, 42, 8, 30, 2, 9};
        double worst = compare(p, gpu, prompt, 4, DECODE_STEPS);
        System.out.printf(Locale.ROOT, "%s (tied %s): worst |gpu - cpu| / logit range %.2e%n", arch, tied, worst);
    }

    /**
     * A prompt longer than the batch (three prefill chunks at positions 0, 64, 128) and decode steps across
     * several flash-decoding splits (a 256-position cache has splits of 32 keys on any GPU of 8+ SMs).
     */
    @Test
    void chunkedPrefillAndDecodeAcrossSplitsMatchTheCpuPath(CudaDevice gpu) throws IOException {
        int[] prompt = new int[150];
        prompt[0] = 1;
        for (int i = 1; i < prompt.length; i++) {
            prompt[i] = 3 + (i * 37) % 500;
        }
        double worst = compare(Fixtures.model("stories260K.gguf"), gpu, prompt, 64, 40);
        System.out.printf(Locale.ROOT, "stories260K, 150-token prompt in 3 chunks + 40 decode steps: worst %.2e%n", worst);
    }

    /** The weight types no fixture has: Q5_K (a Q5_K_M file's bulk), Q4_1 and BF16, in SyntheticLlama's small preset. */
    @ParameterizedTest
    @CsvSource({"Q5_K", "Q4_1", "BF16"})
    void generatedModelsOfTheOtherWeightTypesMatchTheCpuPath(String type, CudaDevice gpu, @TempDir Path tmp) throws IOException {
        Path p = tmp.resolve("small-" + type + ".gguf");
        SyntheticLlama.write(p, SyntheticLlama.Options.of("small", GgmlType.valueOf(type)), Runtime.getRuntime().availableProcessors());
        int[] prompt = {1, 17, 5, 63, 42, 8, 30, 2, 9, 100, 200, 300};
        double worst = compare(p, gpu, prompt, 64, DECODE_STEPS);
        System.out.printf(Locale.ROOT, "small %s: worst |gpu - cpu| / logit range %.2e%n", type, worst);
    }

    /**
     * A 1B-class model (TinyLlama-1.1B shape, Q4_0, gen_gguf.py's weights): -Dchrysalis.gpu.model1b=PATH names
     * one, otherwise SyntheticLlama writes it into a temporary folder (seconds).
     */
    @Test
    void generated1BClassModelMatchesTheCpuPath(CudaDevice gpu, @TempDir Path tmp) throws IOException {
        String given = System.getProperty("chrysalis.gpu.model1b", "");
        Path p = given.isEmpty() ? tmp.resolve("tinyllama-1.1b-Q4_0.gguf") : Path.of(given);
        if (given.isEmpty()) {
            SyntheticLlama.write(p, SyntheticLlama.Options.of("tinyllama-1.1b", GgmlType.Q4_0).withVocabFrom(Fixtures.model("llama-2-tiny-random.gguf")),
                    Runtime.getRuntime().availableProcessors());
        } else if (!Files.isRegularFile(p)) {
            throw new IOException("-Dchrysalis.gpu.model1b names no file: " + p);
        }
        int[] prompt = new int[40];
        prompt[0] = 1;
        for (int i = 1; i < prompt.length; i++) {
            prompt[i] = 100 + (i * 7919) % 20000;
        }
        double worst = compare(p, gpu, prompt, 64, 4);
        System.out.printf(Locale.ROOT, "%s: worst |gpu - cpu| / logit range %.2e%n", p.getFileName(), worst);
    }

    /**
     * Decode with Q8 activations (x quantized to Q8_0 as the CPU does, integer products) against the CPU path,
     * for the Q4_0 and Q8_0 fixtures and a generated 1B-class model when -Dchrysalis.gpu.model1b names one.
     */
    @ParameterizedTest
    @CsvSource({"small-Q4_0.gguf", "small-Q8_0.gguf", "tiny-Q4_0.gguf", "tiny-Q8_0.gguf", "stories260K-requant-Q4_0.gguf",
            "stories260K-requant-Q8_0.gguf", "model1b"})
    void q8ActivationsMatchTheCpuPath(String model, CudaDevice gpu) throws IOException {
        Path p;
        if (model.equals("model1b")) {
            String given = System.getProperty("chrysalis.gpu.model1b", "");
            org.junit.jupiter.api.Assumptions.assumeFalse(given.isEmpty(), "-Dchrysalis.gpu.model1b names no 1B-class model");
            p = Path.of(given);
        } else {
            p = Fixtures.model(model);
        }
        int[] prompt = {1, 15, 30, 42, 7, 99, 100, 5, 3};
        double worst = compare(p, gpu, prompt, 4, DECODE_STEPS, new CudaTransformer.Launching(true, false, true));
        System.out.printf(Locale.ROOT, "%s with Q8 activations: worst |gpu - cpu| / logit range %.2e%n", p.getFileName(), worst);
    }

    /** The captured graph replays exactly the launches of a direct decode step: bit-identical logits. */
    @Test
    void decodeGraphReplaysGiveTheLogitsOfDirectLaunches(CudaDevice gpu) throws IOException {
        try (GgufFile f = GgufFile.open(Fixtures.model("small-Q4_K.gguf"))) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            int[] prompt = {1, 15, 300, 42, 7, 99, 1000, 5};
            try (CudaTransformer graphs = CudaTransformer.open(gpu.ordinal(), m.config(), m.weights(), 8, 64, "small-Q4_K.gguf",
                         new CudaTransformer.Launching(true, false));
                 CudaTransformer direct = CudaTransformer.open(gpu.ordinal(), m.config(), m.weights(), 8, 64, "small-Q4_K.gguf",
                         new CudaTransformer.Launching(false, true))) {
                ForwardPass.Sequence a = graphs.newSequence(64);
                ForwardPass.Sequence b = direct.newSequence(64);
                // one token at a time from position 0: the first step captures, the rest replay at new positions
                for (int p = 0; p < prompt.length; p++) {
                    float[] g = graphs.forward(a, prompt, p, 1, p, false);
                    float[] d = direct.forward(b, prompt, p, 1, p, false);
                    assertArrayEquals(d, g, "position " + p);
                }
            }
        }
    }

    @Test
    void badCallsAreClearErrorsNotDeviceFaults(CudaDevice gpu) throws IOException {
        try (GgufFile f = GgufFile.open(Fixtures.model("stories260K.gguf"))) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            CudaTransformer t = CudaTransformer.open(gpu.ordinal(), m.config(), m.weights(), 8, 32, "stories260K.gguf");
            ForwardPass.Sequence s = t.newSequence(32);
            assertThrows(IllegalArgumentException.class, () -> t.forward(s, new int[] {1, 512}, 0, 2, 0, false), "token outside the vocabulary");
            assertThrows(IllegalArgumentException.class, () -> t.forward(s, new int[] {1}, 0, 1, 32, false), "position past the cache");
            assertThrows(IllegalArgumentException.class, () -> t.forward(s, new int[9], 0, 9, 0, false), "batch above the maximum");
            assertThrows(IllegalArgumentException.class, () -> t.newSequence(33));
            s.close();
            assertThrows(IllegalStateException.class, () -> t.forward(s, new int[] {1}, 0, 1, 0, false), "closed sequence");
            t.close();
            assertThrows(IllegalStateException.class, () -> t.newSequence(8), "closed pass");
        }
    }

    /**
     * Runs {@code prompt} through both passes in chunks of {@code batch} (all logits of every chunk), then
     * {@code steps} greedy decode steps feeding both the CPU's choice; returns the worst relative difference.
     */
    static double compare(Path model, CudaDevice gpu, int[] prompt, int batch, int steps) throws IOException {
        return compare(model, gpu, prompt, batch, steps, CudaTransformer.Launching.fromSystemProperties());
    }

    static double compare(Path model, CudaDevice gpu, int[] prompt, int batch, int steps, CudaTransformer.Launching launching) throws IOException {
        int capacity = 256;
        try (GgufFile f = GgufFile.open(model); WorkerPool pool = new WorkerPool(Math.min(16, Runtime.getRuntime().availableProcessors()))) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            int vocab = m.config().vocabSize();
            Transformer cpu = new Transformer(m.config(), m.weights(), pool, batch, capacity);
            KvCache cache = KvCache.create(KvCacheType.F16, m.config(), capacity);
            try (CudaTransformer gpuPass = CudaTransformer.open(gpu.ordinal(), m.config(), m.weights(), batch, capacity,
                    model.getFileName().toString(), launching)) {
                ForwardPass.Sequence seq = gpuPass.newSequence(capacity);
                double worst = 0;
                float[] last = null;
                for (int pos = 0; pos < prompt.length; pos += batch) {
                    int n = Math.min(batch, prompt.length - pos);
                    float[] c = cpu.forward(cache, prompt, pos, n, pos, true);
                    float[] g = gpuPass.forward(seq, prompt, pos, n, pos, true);
                    assertEquals(c.length, g.length);
                    for (int t = 0; t < n; t++) {
                        worst = Math.max(worst, check(c, g, t * vocab, vocab, model.getFileName() + " prefill position " + (pos + t)));
                    }
                    last = java.util.Arrays.copyOfRange(c, (n - 1) * vocab, n * vocab);
                }
                int[] tok = new int[1];
                for (int s = 0; s < steps && prompt.length + s < capacity; s++) {
                    tok[0] = argmax(last);
                    int pos = prompt.length + s;
                    float[] c = cpu.forward(cache, tok, 0, 1, pos, false);
                    float[] g = gpuPass.forward(seq, tok, 0, 1, pos, false);
                    worst = Math.max(worst, check(c, g, 0, vocab, model.getFileName() + " decode step " + s + " (position " + pos + ")"));
                    last = c;
                }
                return worst;
            }
        }
    }

    static double check(float[] cpu, float[] gpu, int off, int vocab, String where) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double diff = 0;
        int at = -1;
        for (int i = off; i < off + vocab; i++) {
            min = Math.min(min, cpu[i]);
            max = Math.max(max, cpu[i]);
            double d = Math.abs((double) cpu[i] - gpu[i]);
            if (!(d <= diff)) {
                diff = d;
                at = i - off;
            }
        }
        double range = Math.max(max - min, 1e-6);
        double rel = diff / range;
        int worstAt = at;
        assertTrue(rel <= TOLERANCE, () -> String.format(Locale.ROOT, "%s: token %d cpu %.5f gpu %.5f (range %.3f): %.2e of the range > %.0e",
                where, worstAt, cpu[off + Math.max(0, worstAt)], gpu[off + Math.max(0, worstAt)], range, rel, TOLERANCE));
        return rel;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
