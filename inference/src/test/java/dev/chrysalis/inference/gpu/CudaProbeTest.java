package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.DeviceSelection;
import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import dev.chrysalis.inference.gpu.cuda.CudaUnavailableException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The driver probe and device selection, on machines with and without a GPU. */
class CudaProbeTest {

    private static final CudaDevice H200 = new CudaDevice(0, "NVIDIA H200", 9, 0, 150_000_000_000L, 132, 2_619_000, 6144);
    private static final CudaDevice T4 = new CudaDevice(0, "Tesla T4", 7, 5, 16_000_000_000L, 40, 5_001_000, 256);

    @Test
    void aMissingDriverLibraryIsReportedInOneLine() {
        CudaProbe p = CudaDriver.probe("libcuda-not-installed.so.1");
        assertFalse(p.available());
        assertEquals("no CUDA driver: libcuda-not-installed.so.1 not found", p.reason());
        assertTrue(p.devices().isEmpty());
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> CudaDriver.load("libcuda-not-installed.so.1"));
        assertEquals(p.reason(), e.getMessage());
    }

    @Test
    void aLibraryThatIsNotACudaDriverIsNamedWithTheMissingEntryPoint() {
        CudaProbe p = CudaDriver.probe("libc.so.6");
        assertFalse(p.available());
        assertEquals("libc.so.6 is not a usable CUDA driver: it has no cuInit", p.reason());
    }

    @Test
    void theSystemProbeAgreesWithLoad() {
        CudaProbe p = CudaDriver.probe();
        System.out.println("CUDA probe: " + p.reason());
        assertFalse(p.reason().contains("\n"), "one line: " + p.reason());
        if (p.available()) {
            CudaDriver d = CudaDriver.load();
            assertEquals(p.devices().size(), d.deviceCount());
            assertEquals(p.devices().getFirst(), d.device(0));
        } else {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, CudaDriver::load);
            assertEquals(p.reason(), e.getMessage());
            assertTrue(p.reason().startsWith("no CUDA driver") || p.reason().startsWith("CUDA driver found but"), p.reason());
        }
    }

    @Test
    void withoutTheDriverLibraryTheProbeSaysSo() {
        CudaProbe p = CudaDriver.probe();
        assumeFalse(p.available(), "a CUDA driver is installed here");
        if (p.reason().startsWith("no CUDA driver")) {
            assertEquals("no CUDA driver: libcuda.so.1 not found", p.reason());
        }
    }

    @Test
    void autoChoosesTheCpuWhenTheDriverIsMissingAndCudaFailsWithTheReason() {
        CudaProbe none = new CudaProbe(false, "no CUDA driver: libcuda.so.1 not found", List.of());
        DeviceSelection auto = DeviceSelection.select(Device.AUTO, none);
        assertEquals(Device.CPU, auto.device());
        assertEquals("cpu (auto: no CUDA driver: libcuda.so.1 not found)", auto.description());
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> DeviceSelection.select(Device.CUDA, none));
        assertEquals("device cuda requested but no CUDA driver: libcuda.so.1 not found", e.getMessage());
    }

    @Test
    void aGpuOlderThanAmpereIsNotUsed() {
        CudaProbe turing = new CudaProbe(true, "CUDA driver 12.4, 1 GPU", List.of(T4));
        assertEquals(Device.CPU, DeviceSelection.select(Device.AUTO, turing).device());
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> DeviceSelection.select(Device.CUDA, turing));
        assertTrue(e.getMessage().contains("no GPU of compute capability >= 8.0: GPU 0: Tesla T4 (cc 7.5"), e.getMessage());
    }

    @Test
    void autoAndCudaTakeTheFirstSupportedGpu() {
        CudaProbe probe = new CudaProbe(true, "CUDA driver 12.8, 2 GPUs", List.of(T4, new CudaDevice(1, H200.name(), 9, 0,
                H200.totalMemory(), 132, 0, 0)));
        for (Device d : List.of(Device.AUTO, Device.CUDA)) {
            DeviceSelection s = DeviceSelection.select(d, probe);
            assertEquals(Device.CUDA, s.device());
            assertEquals(1, s.gpu().orElseThrow().ordinal());
            assertTrue(s.description().startsWith("cuda (GPU 1: NVIDIA H200 (cc 9.0, 132 SMs"), s.description());
        }
    }

    @Test
    void cpuNeverProbes() {
        DeviceSelection s = DeviceSelection.select(Device.CPU, new CudaProbe(true, "1 GPU", List.of(H200)));
        assertEquals(Device.CPU, s.device());
        assertEquals("cpu (cpu: requested)", s.description());
    }

    @Test
    void deviceNamesParseAndBadOnesAreNamed() {
        assertEquals(Device.CUDA, Device.parse("CUDA"));
        assertEquals(Device.AUTO, Device.parse("auto"));
        assertEquals(Device.CPU, Device.parse(" cpu "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        assertEquals("device 'tpu' is not auto, cpu or cuda", e.getMessage());
    }

    @Test
    void peakBandwidthComesFromClockAndBusWidth() {
        // 2619 MHz HBM3e DDR on a 6144-bit bus: 2 * 2.619e9 * 768 bytes = 4.02 TB/s
        assertEquals(4.023e12, H200.peakBandwidth(), 1e9);
        assertTrue(H200.supported());
        assertFalse(T4.supported());
    }
}
