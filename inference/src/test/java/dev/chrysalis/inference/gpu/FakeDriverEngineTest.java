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
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaUnavailableException;
import dev.chrysalis.inference.testutil.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void weightsTheGpuKernelsDoNotReadRunOnTheCpuUnderAutoAndAreRefusedForCuda(@TempDir Path tmp) throws Exception {
        // Q5_K (a Q5_K_M file's bulk) has CPU kernels and no GPU ones
        Path model = tmp.resolve("small-Q5_K.gguf");
        SyntheticLlama.write(model, SyntheticLlama.Options.of("small", GgmlType.Q5_K), 1);
        try (Engine engine = Engine.load(model, EngineOptions.defaults().withThreads(1).withContextLength(64))) {
            assertEquals(Device.CPU, engine.device(), "auto falls back to the CPU: " + engine.deviceSelection().description());
            String why = engine.deviceSelection().description();
            assertTrue(why.startsWith("cpu (auto: the GPU kernels do not read Q5_K weights (") && why.contains("Q4_K"), why);
            try (Session s = engine.newSession()) {
                assertEquals(3, s.generate(GenerationRequest.greedy(new int[] {1, 2, 3}, 3), id -> { }).tokens().length, "and generates");
            }
        }
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> Engine.load(model, EngineOptions.defaults().withThreads(1).withContextLength(64).withDevice(Device.CUDA)));
        assertTrue(e.getMessage().startsWith("device cuda requested but the GPU kernels do not read Q5_K weights"), e.getMessage());
    }
}
