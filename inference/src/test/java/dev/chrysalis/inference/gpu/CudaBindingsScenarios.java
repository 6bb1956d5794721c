package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gpu.cuda.CudaContext;
import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaEvent;
import dev.chrysalis.inference.gpu.cuda.CudaException;
import dev.chrysalis.inference.gpu.cuda.CudaFunction;
import dev.chrysalis.inference.gpu.cuda.CudaGraph;
import dev.chrysalis.inference.gpu.cuda.CudaGraphExec;
import dev.chrysalis.inference.gpu.cuda.CudaKernels;
import dev.chrysalis.inference.gpu.cuda.CudaModule;
import dev.chrysalis.inference.gpu.cuda.CudaStream;
import dev.chrysalis.inference.gpu.cuda.DeviceBuffer;
import dev.chrysalis.inference.gpu.cuda.Dim3;
import dev.chrysalis.inference.gpu.cuda.PinnedBuffer;
import dev.chrysalis.inference.gpu.cuda.PtxModules;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the driver bindings must do, run against a driver: a real GPU ({@link CudaBindingsTest}) and the
 * stand-in driver compiled from fakecuda.c against cuda.h ({@link FakeDriverBindingsTest}), which checks
 * the symbols, signatures and argument marshalling on machines without a GPU.
 */
abstract class CudaBindingsScenarios {

    private static final int N = 10_000;

    final CudaDriver driver;
    final CudaDevice device;
    CudaContext ctx;
    CudaStream stream;

    CudaBindingsScenarios(CudaDriver driver, CudaDevice device) {
        this.driver = driver;
        this.device = device;
    }

    @BeforeEach
    void open() {
        ctx = driver.createContext(device.ordinal());
        stream = ctx.createStream();
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void theDeviceIsDescribed() {
        CudaDevice d = driver.device(device.ordinal());
        assertTrue(d.totalMemory() > 1L << 30, d.toString());
        assertTrue(d.multiprocessors() > 0 && d.ccMajor() >= 8, d.toString());
        long free = ctx.freeMemory();
        assertTrue(free > 0 && free <= d.totalMemory(), free + " of " + d.totalMemory());
    }

    @Test
    void bytesRoundTripThroughDeviceMemory() {
        long bytes = 4L * N;
        DeviceBuffer a = ctx.alloc(bytes);
        DeviceBuffer b = ctx.alloc(2 * bytes);
        PinnedBuffer host = ctx.allocHost(bytes);
        for (int i = 0; i < N; i++) {
            host.segment().setAtIndex(ValueLayout.JAVA_INT, i, i * 7 + 1);
        }
        stream.copyHtoD(a, 0, host.segment(), bytes);
        stream.memsetD32(b, 0, -1, 2L * N);
        stream.copyDtoD(b, bytes, a, 0, bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment back = arena.allocate(2 * bytes);
            stream.copyDtoH(back, b, 0, 2 * bytes);
            stream.synchronize();
            for (int i = 0; i < N; i++) {
                assertEquals(-1, back.getAtIndex(ValueLayout.JAVA_INT, i), "memset word " + i);
                assertEquals(i * 7 + 1, back.getAtIndex(ValueLayout.JAVA_INT, N + i), "copied word " + i);
            }
            MemorySegment part = arena.allocate(8);
            stream.copyDtoH(part, b.slice(bytes + 40, 8), 0, 8);
            stream.synchronize();
            assertEquals(10 * 7 + 1, part.getAtIndex(ValueLayout.JAVA_INT, 0), "a slice starts at its offset");
        }
    }

    @Test
    void addF32FromTheContractPtxAddsOnTheGpu() {
        CudaModule module = ctx.loadModule(PtxModules.ptxFor(device));
        CudaFunction add = module.function(CudaKernels.ADD_F32);
        DeviceBuffer x = upload(i -> i);
        DeviceBuffer y = upload(i -> 2f * i);
        stream.launch(add, Dim3.of(Dim3.blocks(N, 256)), Dim3.of(256), 0, x, y.address(), N);
        float[] out = download(x);
        for (int i = 0; i < N; i++) {
            assertEquals(3f * i, out[i], "x[" + i + "]");
        }
    }

    @Test
    void eventsTimeTheWorkBetweenThem() {
        DeviceBuffer a = ctx.alloc(64L << 20);
        DeviceBuffer b = ctx.alloc(64L << 20);
        CudaEvent start = ctx.createEvent();
        CudaEvent end = ctx.createEvent();
        stream.record(start);
        for (int i = 0; i < 10; i++) {
            stream.copyDtoD(b, 0, a, 0, a.byteSize());
        }
        stream.record(end);
        end.synchronize();
        float ms = end.elapsedMillis(start);
        // 1.3 GB moved: more than 0.05 ms at any bandwidth below 26 TB/s, less than 10 s anywhere
        assertTrue(ms > 0.05f && ms < 10_000f, ms + " ms");
    }

    @Test
    void aCapturedGraphReplaysItsLaunches() {
        CudaFunction add = ctx.loadModule(PtxModules.ptxFor(device)).function(CudaKernels.ADD_F32);
        DeviceBuffer x = upload(i -> i);
        DeviceBuffer y = upload(i -> 1f);
        stream.beginCapture();
        for (int k = 0; k < 3; k++) {
            stream.launch(add, Dim3.of(Dim3.blocks(N, 256)), Dim3.of(256), 0, x, y, N);
        }
        CudaGraph graph = stream.endCapture();
        float[] untouched = download(x);
        assertEquals(5f, untouched[5], "capturing does not run the work");
        CudaGraphExec exec = graph.instantiate();
        graph.close();
        exec.launch(stream);
        exec.launch(stream);
        float[] out = download(x);
        for (int i = 0; i < N; i++) {
            assertEquals(i + 6f, out[i], "x[" + i + "] after two replays of three adds");
        }
    }

    @Test
    void driverErrorsNameTheFunctionAndTheDriversError() {
        CudaException e = assertThrows(CudaException.class, () -> ctx.alloc(1L << 50));
        assertEquals("cuMemAlloc_v2", e.function());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals(2, e.code());
        assertTrue(e.getMessage().startsWith("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)"), e.getMessage());
    }

    @Test
    void aPtxErrorCarriesTheJitLog() {
        String bad = """
                .version 7.0
                .target sm_80
                .address_size 64
                .visible .entry broken(
                \t.param .u64 broken_param_0
                )
                {
                \tbogus_instruction_xyz %r1;
                \tret;
                }
                """;
        CudaException e = assertThrows(CudaException.class, () -> ctx.loadModule(bad));
        assertEquals("cuModuleLoadDataEx", e.function());
        assertTrue(e.getMessage().contains("bogus_instruction_xyz") || e.getMessage().contains("%r1"), "JIT log in: " + e.getMessage());
    }

    @Test
    void misuseIsAJavaErrorNotADeviceFault() {
        CudaModule module = ctx.loadModule(PtxModules.ptxFor(device));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> module.function("no_such_kernel"));
        assertTrue(missing.getMessage().startsWith("kernel 'no_such_kernel' is not in the PTX module"), missing.getMessage());
        CudaFunction add = module.function(CudaKernels.ADD_F32);
        DeviceBuffer x = ctx.alloc(4L * N);
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> stream.launch(add, Dim3.of(1), Dim3.of(256), 0, x, x, 1.5f));
        assertEquals("kernel 'add_f32' argument 2: PTX parameter type .u32 does not take a Float", type.getMessage());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> stream.launch(add, Dim3.of(1), Dim3.of(256), 0, x, x));
        assertEquals("kernel 'add_f32' takes 3 arguments, got 2", count.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> stream.launch(add, Dim3.of(1), Dim3.of(256), 0, x, "y", N));
        assertTrue(kind.getMessage().startsWith("kernel 'add_f32' argument 1: a java.lang.String cannot be passed"), kind.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> stream.copyDtoD(x, 4, x, 0, 4L * N));
        x.close();
        x.close();
        IllegalStateException freed = assertThrows(IllegalStateException.class, x::address);
        assertTrue(freed.getMessage().contains("was freed"), freed.getMessage());
    }

    @Test
    void anotherThreadUsesTheContextThroughTheWrappers() throws Exception {
        DeviceBuffer made = CompletableFuture.supplyAsync(() -> {
            DeviceBuffer b = ctx.alloc(4L * N);
            try (CudaStream s = ctx.createStream()) {
                s.memsetD32(b, 0, 42, N);
                s.synchronize();
            }
            return b;
        }).get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment back = arena.allocate(4L * N);
            stream.copyDtoH(back, made, 0, 4L * N);
            stream.synchronize();
            assertEquals(42, back.getAtIndex(ValueLayout.JAVA_INT, N - 1));
        }
    }

    @Test
    void closingTheContextFreesWhatItMade() {
        long before = ctx.freeMemory();
        CudaContext second = driver.createContext(device.ordinal());
        second.alloc(512L << 20);
        second.createStream();
        second.createEvent();
        assertTrue(ctx.freeMemory() <= before - (512L << 20), "allocated");
        second.close();
        second.close();
        ctx.makeCurrent();
        assertTrue(ctx.freeMemory() >= before - (64L << 20), "freed again: " + ctx.freeMemory() + " vs " + before);
        assertThrows(IllegalStateException.class, () -> second.alloc(16));
    }

    private DeviceBuffer upload(java.util.function.IntToDoubleFunction f) {
        DeviceBuffer d = ctx.alloc(4L * N);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(4L * N);
            for (int i = 0; i < N; i++) {
                h.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) f.applyAsDouble(i));
            }
            stream.copyHtoD(d, 0, h, 4L * N);
            stream.synchronize();
        }
        return d;
    }

    private float[] download(DeviceBuffer d) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(d.byteSize());
            stream.copyDtoH(h, d, 0, d.byteSize());
            stream.synchronize();
            return h.toArray(ValueLayout.JAVA_FLOAT);
        }
    }
}
