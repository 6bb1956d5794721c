package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import dev.chrysalis.inference.gpu.cuda.CudaUnavailableException;
import dev.chrysalis.inference.testutil.CliRun;
import dev.chrysalis.inference.testutil.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a machine without a usable GPU (CI, this workstation): asking for CUDA is a one-line error carrying the
 * probe's reason, AUTO runs on the CPU, and the GPU commands say why they cannot run. Skipped where a GPU is
 * present (the GPU tests cover that side).
 */
class WithoutGpuTest {

    private static final Path MODEL = Fixtures.model("stories260K.gguf");

    private CudaProbe probe;

    @BeforeEach
    void noGpu() {
        probe = CudaDriver.probe();
        assumeTrue(probe.usableDevice().isEmpty(), "a GPU is present: " + probe.reason());
    }

    @Test
    void loadingOnCudaFailsWithTheProbesReason() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> Engine.load(MODEL, EngineOptions.defaults().withThreads(1).withDevice(Device.CUDA)));
        assertEquals("device cuda requested but " + probe.unusableReason().orElseThrow(), e.getMessage());
    }

    @Test
    void autoRunsOnTheCpuAndSaysWhy() throws Exception {
        try (Engine engine = Engine.load(MODEL, EngineOptions.defaults().withThreads(1))) {
            assertEquals(Device.CPU, engine.device());
            assertEquals("cpu (auto: " + probe.unusableReason().orElseThrow() + ")", engine.deviceSelection().description());
        }
    }

    @Test
    void generateOnCudaExitsNonZeroWithTheReasonAndNoStackTrace() {
        CliRun r = CliRun.of("generate", "--model", MODEL.toString(), "--prompt", "Once", "--max-tokens", "2", "--device", "cuda");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().strip().endsWith("error: device cuda requested but " + probe.unusableReason().orElseThrow()), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals("", r.out());
    }

    @Test
    void generateOnAutoRunsOnTheCpu() {
        CliRun r = CliRun.of("generate", "--model", MODEL.toString(), "--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", "4",
                "--threads", "1", "--device", "auto");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("[device: cpu (auto: " + probe.unusableReason().orElseThrow() + ")]"), r.err());
        assertFalse(r.out().isBlank(), "generated text");
    }

    @Test
    void aBadDeviceIsAUsageError() {
        CliRun r = CliRun.of("generate", "--model", MODEL.toString(), "--prompt", "x", "--device", "tpu");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: --device: 'tpu' is not auto, cpu or cuda"), r.err());
    }

    @Test
    void theGpuCommandsPrintTheReasonAndFail() {
        CliRun gpu = CliRun.of("gpu");
        assertEquals(1, gpu.status());
        assertEquals("gpu: " + probe.unusableReason().orElseThrow(), gpu.err().strip().lines().reduce((a, b) -> b).orElseThrow());
        CliRun bench = CliRun.of("bench", "gpu-bandwidth", "--runs", "3");
        assertEquals(1, bench.status());
        assertEquals("bench gpu-bandwidth: " + probe.unusableReason().orElseThrow(), bench.err().strip());
    }
}
