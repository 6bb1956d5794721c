package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.testutil.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
}
