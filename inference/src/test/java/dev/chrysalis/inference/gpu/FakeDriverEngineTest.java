package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.testutil.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GPU engine end to end on the stand-in driver (fakecuda.c): weights uploaded, prefill and a captured
 * decode graph replayed, every kernel launch checked by the bindings against the parameter types the real
 * PTX declares. The stand-in runs no kernels, so this proves the host side (launch arguments, capture,
 * copies), not the numbers; those need a GPU.
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
    void everyLaunchOfPrefillAndGraphDecodeMatchesThePtxParameters() throws Exception {
        try (Engine engine = Engine.load(Fixtures.model("stories260K.gguf"), EngineOptions.defaults().withThreads(1).withContextLength(256)
                .withDevice(Device.CUDA))) {
            assertEquals(Device.CUDA, engine.device());
            assertTrue(engine.deviceSelection().description().startsWith("cuda (GPU 0: Fake GPU (cc 9.0"), engine.deviceSelection().description());
            try (Session s = engine.newSession()) {
                GenerationResult r = s.generate(GenerationRequest.greedy(new int[] {1, 403, 407, 261, 378}, 6), id -> { });
                assertEquals(6, r.tokens().length, "prefill of 5, then six decode steps through the graph");
                GenerationResult more = s.generate(GenerationRequest.greedy(new int[] {1, 403, 407, 261, 378, 9, 10}, 3), id -> { });
                assertEquals(3, more.tokens().length, "a second request reuses the session and its graph");
            }
        }
    }
}
