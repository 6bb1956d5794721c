package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bindings against fakecuda.c, a stand-in driver compiled here against the real cuda.h: the C
 * compiler holds each stub to the header's prototype and exported name ({@code cuMemAlloc_v2}, ...), so
 * a binding with a wrong symbol, argument order or width fails here, without a GPU. Skipped, with the
 * reason printed, where there is no C compiler or cuda.h.
 */
class FakeDriverBindingsTest extends CudaBindingsScenarios {

    /** The compiled stand-in, built once for the class in {@link #compile()}. */
    private static Path library;

    FakeDriverBindingsTest() {
        super(CudaDriver.load(library.toString()), CudaDriver.probe(library.toString()).devices().getFirst());
    }

    @BeforeAll
    static void compile() throws IOException, InterruptedException {
        library = FakeCudaDriver.compile();
    }

    @Test
    void theProbeDescribesTheDriversDevices() {
        CudaProbe p = CudaDriver.probe(library.toString());
        assertTrue(p.available(), p.reason());
        assertEquals("CUDA driver 12.8, 1 GPU: GPU 0: Fake GPU (cc 9.0, 132 SMs, 16.0 GiB)", p.reason());
        assertEquals(List.of(new CudaDevice(0, "Fake GPU", 9, 0, 16L << 30, 132, 2_619_000, 6144)), p.devices());
        assertEquals("12.8", driver.versionString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> driver.device(1));
        assertEquals("no GPU 1: the driver reports 1", e.getMessage());
    }
}
