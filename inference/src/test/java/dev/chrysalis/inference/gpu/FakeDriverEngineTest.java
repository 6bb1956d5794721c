package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.bench.SyntheticLlama;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaKernels;
import dev.chrysalis.inference.model.LayerWeights;
import dev.chrysalis.inference.model.ModelLoader;
import dev.chrysalis.inference.model.ModelWeights;
import dev.chrysalis.inference.tensor.WeightMatrix;
import dev.chrysalis.inference.testutil.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code Engine.load} with the driver named by {@value CudaDriver#LIBRARY_PROPERTY} (the stand-in of
 * fakecuda.c): AUTO selects its GPU, the weights go up, and a generation runs the prefill launches, each
 * checked by the bindings against the real PTX's parameter types, until the first token pick: the stand-in
 * runs no kernel, so the logits copied back are the NaN it fills new device memory with, and the sampler
 * refuses them. CudaTransformerFakeDriverTest covers the forward pass
 * itself per model; the numbers need a GPU.
 */
class FakeDriverEngineTest {

    private static String previous;

    @BeforeAll
    static void useTheStandIn() throws Exception {
        Path lib = FakeCudaDriver.compile();
        previous = System.getProperty(CudaDriver.LIBRARY_PROPERTY);
        System.setProperty(CudaDriver.LIBRARY_PROPERTY, lib.toString());
    }

    @AfterAll
    static void restore() {
        if (previous == null) {
            System.clearProperty(CudaDriver.LIBRARY_PROPERTY);
        } else {
            System.setProperty(CudaDriver.LIBRARY_PROPERTY, previous);
        }
    }

    @Test
    void autoLoadsOntoTheDriversGpuAndGeneratesUpToTheTokenPick() throws Exception {
        try (Engine engine = Engine.load(Fixtures.model("stories260K.gguf"), EngineOptions.defaults().withThreads(1).withContextLength(256))) {
            assertEquals(Device.CUDA, engine.device(), "auto takes the GPU of the library the property names");
            assertTrue(engine.deviceSelection().description().startsWith("cuda (GPU 0: Fake GPU (cc 9.0"), engine.deviceSelection().description());
            assertTrue(engine.warmUpInBackground().isEmpty(), "the GPU's kernels are compiled ahead: no warm-up");
            try (Session s = engine.newSession()) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> s.generate(GenerationRequest.greedy(new int[] {1, 403, 407, 261, 378}, 4), id -> { }));
                assertTrue(e.getMessage().contains("every logit is -infinity or NaN"), "fails only at the pick: " + e.getMessage());
            }
        }
    }

    /** Q5_K (a Q5_K_M file's bulk), Q4_1 and BF16: the types the GPU kernels read last; every launch checked by the bindings. */
    @ParameterizedTest
    @ValueSource(strings = {"Q5_K", "Q4_1", "BF16"})
    void modelsOfTheLaterWeightTypesLoadOntoTheGpuUnderAuto(String type, @TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("small-" + type + ".gguf");
        SyntheticLlama.write(model, SyntheticLlama.Options.of("small", GgmlType.valueOf(type)), 1);
        try (Engine engine = Engine.load(model, EngineOptions.defaults().withThreads(1).withContextLength(64))) {
            assertEquals(Device.CUDA, engine.device(), "auto takes the GPU: " + engine.deviceSelection().description());
            try (Session s = engine.newSession()) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> s.generate(GenerationRequest.greedy(new int[] {1, 2, 3}, 3), id -> { }));
                assertTrue(e.getMessage().contains("every logit is -infinity or NaN"), "fails only at the pick: " + e.getMessage());
            }
        }
    }

    @Test
    void theGpuKernelsReadEveryTypeTheCpuReads() {
        for (GgmlType t : GgmlType.values()) {
            assertEquals(t.isSupported(), CudaKernels.supports(t), t + ": read by the CPU " + t.isSupported());
        }
    }

    /**
     * A matrix of a type the kernels do not read (none the loader accepts today; a type the CPU learns first) is named,
     * and {@code Engine.load} keeps such a model on the CPU under auto.
     */
    @Test
    void aMatrixOfATypeTheKernelsDoNotReadIsNamed() throws Exception {
        try (GgufFile f = GgufFile.open(Fixtures.model("stories260K.gguf"))) {
            ModelWeights w = ModelLoader.load(f).weights();
            assertTrue(CudaTransformer.unreadableWeights(w).isEmpty());
            LayerWeights l0 = w.layers().get(0);
            WeightMatrix q = l0.wq();
            WeightMatrix q50 = new WeightMatrix(q.name(), GgmlType.Q5_0, q.rows(), q.cols(), q.data());
            List<LayerWeights> layers = new ArrayList<>(w.layers());
            layers.set(0, l0.mapMatrices(m -> m == q ? q50 : m));
            ModelWeights changed = new ModelWeights(w.tokenEmbedding(), layers, w.outputNorm(), w.output(), w.ropeFreqFactors());
            String why = CudaTransformer.unreadableWeights(changed).orElseThrow();
            assertTrue(why.startsWith("the GPU kernels do not read Q5_0 weights (" + q.name() + "; they read [") && why.contains("Q5_K"), why);
        }
    }
}
