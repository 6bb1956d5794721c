package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.bench.SyntheticLlama;
import dev.chrysalis.inference.engine.InsufficientMemoryException;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gpu.cuda.CudaContext;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.model.ForwardPass;
import dev.chrysalis.inference.model.ModelLoader;
import dev.chrysalis.inference.sampling.SamplingOptions;
import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.testutil.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host side of the GPU forward pass against the stand-in driver (fakecuda.c), which runs no kernel
 * but add_f32: every launch of prefill, decode capture and replay, and device sampling goes through the
 * bindings, which check each argument against the PTX parameter types and count, and the stand-in
 * rejects empty grids and blocks over 1024 threads. Weights, activations and KV caches are sized,
 * uploaded and all freed again. The logits are not the model's (the kernels do not run): that is what
 * the GPU tests check on a GPU.
 */
class CudaTransformerFakeDriverTest {

    /** Bytes of device memory the stand-in reports (FAKE_TOTAL in fakecuda.c). */
    private static final long FAKE_TOTAL = 16L << 30;

    private static CudaDriver driver;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException, InterruptedException {
        driver = CudaDriver.load(FakeCudaDriver.compile().toString());
    }

    /**
     * Fixtures (F32 with a 172-column matrix, Q4_K/Q6_K, Q4_0/Q8_0), generated Q5_K, Q4_1 and BF16 models and generated
     * qwen2, qwen3 and llama3 models;
     * with the decode graph, with direct launches, and with Q8 activations (the Q4_0/Q8_0 integer products).
     */
    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "small-Q4_K.gguf", "small-Q6_K.gguf", "tiny-Q4_0.gguf", "tiny-Q8_0.gguf", "small-Q5_K",
            "small-Q4_1", "small-BF16", "qwen2", "qwen3", "llama3"})
    void everyLaunchPassesTheBindingsChecksAndEveryByteIsFreed(String model) throws IOException {
        Path file = model.endsWith(".gguf") ? Fixtures.model(model) : generated(model);
        try (GgufFile f = GgufFile.open(file)) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            int vocab = m.config().vocabSize();
            for (CudaTransformer.Launching launching : List.of(new CudaTransformer.Launching(true, false), new CudaTransformer.Launching(false, true),
                    new CudaTransformer.Launching(true, false, true))) {
                try (CudaTransformer t = CudaTransformer.open(driver, 0, m.config(), m.weights(), 8, 64, model, launching)) {
                    ForwardPass.Sequence s = t.newSequence(64);
                    int[] prompt = {1, 5, 9, 3, 7, 2, 8, 4, 6, 10, 11};
                    assertEquals(8 * vocab, t.forward(s, prompt, 0, 8, 0, true).length, "prefill, logits of all 8 tokens");
                    assertEquals(vocab, t.forward(s, prompt, 8, 3, 8, false).length, "second chunk, last logits");
                    // a chunk whose logits nobody reads skips the final norm and the output product (one or two launches)
                    long before = t.launches();
                    t.forward(s, prompt, 0, 8, 0, false);
                    long withLogits = t.launches() - before;
                    before = t.launches();
                    t.forwardWithoutLogits(s, prompt, 0, 8, 0);
                    long skipped = withLogits - (t.launches() - before);
                    assertTrue(skipped >= 2 && skipped <= 3, "launches skipped without logits: " + skipped + " of " + withLogits);
                    for (int p = 11; p < 15; p++) {
                        assertEquals(vocab, t.forward(s, prompt, 0, 1, p, false).length, "decode at " + p);
                    }
                    // the stand-in runs no sampling kernel, so the id slot keeps the -1 the host wrote: caught, not returned
                    ForwardPass.DecodePicker greedy = t.decodePicker(SamplingOptions.greedy()).orElseThrow();
                    var e = assertThrows(IllegalStateException.class, () -> greedy.step(s, 3, 15, 0));
                    assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
                    ForwardPass.DecodePicker sampled = t.decodePicker(new SamplingOptions(0.7f, 20, 0.9f, 0f, 1f, 64)).orElseThrow();
                    assertThrows(IllegalStateException.class, () -> sampled.step(s, 3, 16, 0.25));
                    ForwardPass.DecodePicker defaults = t.decodePicker(SamplingOptions.defaults()).orElseThrow(); // min-p on the device
                    assertThrows(IllegalStateException.class, () -> defaults.step(s, 3, 17, 0.5));
                    assertTrue(t.decodePicker(SamplingOptions.defaults().withTopK(0)).isEmpty(), "top-k off needs the host sampler");
                    ForwardPass.Sequence other = t.newSequence(32);
                    other.close();
                    s.close();
                }
                assertAllDeviceMemoryFree();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {9_000_000})
    void aModelThatDoesNotFitIsRefusedBeforeUploadingWithTheSizes(int capacity) throws IOException {
        try (GgufFile f = GgufFile.open(Fixtures.model("small-Q4_K.gguf"))) {
            ModelLoader.Loaded m = ModelLoader.load(f);
            var e = assertThrows(InsufficientMemoryException.class,
                    () -> CudaTransformer.open(driver, 0, m.config(), m.weights(), 8, capacity, "small-Q4_K.gguf",
                            new CudaTransformer.Launching(true, false)));
            assertTrue(e.getMessage().contains("KV cache") && e.getMessage().contains("is free"), e.getMessage());
            assertAllDeviceMemoryFree();
        }
    }

    /** qwen2, qwen3, llama3 (TinyModel) or "small-TYPE" (SyntheticLlama's small preset in that weight type). */
    private Path generated(String name) throws IOException {
        Path p = tmp.resolve(name + ".gguf");
        if (name.startsWith("small-")) {
            SyntheticLlama.write(p, SyntheticLlama.Options.of("small", GgmlType.valueOf(name.substring("small-".length()))), 1);
        } else {
            Files.write(p, new TinyModel(name, name.equals("qwen2"), name.hashCode()).gguf(Map.of()));
        }
        return p;
    }

    private static void assertAllDeviceMemoryFree() {
        try (CudaContext ctx = driver.createContext(0)) {
            assertEquals(FAKE_TOTAL, ctx.freeMemory(), "device memory left allocated");
        }
    }
}
