package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import dev.chrysalis.inference.gpu.cuda.DeviceBuffer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

    /**
     * The driver binds a context to an OS thread, and a virtual thread can resume on another carrier whose
     * binding is not the one it made. The scheduler moves threads only when it likes, so the test unbinds
     * the carrier the virtual thread runs on (what a move to an unbound carrier looks like to the driver)
     * and the next stream call must still find its context.
     */
    @Test
    void aVirtualThreadFindsItsContextOnWhicheverCarrierRunsIt() throws Exception {
        int n = 1024;
        try (Arena arena = Arena.ofShared(); ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            MethodHandle setCurrent = Linker.nativeLinker().downcallHandle(
                    SymbolLookup.libraryLookup(library, arena).find("cuCtxSetCurrent").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            int last = virtual.submit(() -> {
                DeviceBuffer b = ctx.alloc(4L * n);
                stream.memsetD32(b, 0, 1, n);
                try {
                    assertEquals(0, (int) setCurrent.invokeExact(MemorySegment.NULL), "cuCtxSetCurrent(NULL)");
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                stream.memsetD32(b, 0, 7, n);
                MemorySegment back = arena.allocate(4L * n);
                stream.copyDtoH(back, b, 0, 4L * n);
                stream.synchronize();
                return back.getAtIndex(ValueLayout.JAVA_INT, n - 1);
            }).get();
            assertEquals(7, last);
        }
    }
}
