package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.bench.GpuBandwidth;
import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import org.junit.jupiter.api.Test;

/** The driver bindings on a real GPU; skipped with the probe's reason where there is none. */
@RequiresCuda
class CudaBindingsTest extends CudaBindingsScenarios {

    CudaBindingsTest(CudaDriver driver, CudaDevice device) {
        super(driver, device);
    }

    @Test
    void copyBandwidthIsMeasured() {
        GpuBandwidth.Result r = GpuBandwidth.measure(driver, device.ordinal(), 256L << 20, 5);
        System.out.printf("%s: device-to-device %.0f GB/s%n", r.device().describe(), r.bestBytesPerSecond() / 1e9);
        assertTrue(r.bestBytesPerSecond() > 100e9 && r.bestBytesPerSecond() < 20e12, r.toString());
    }
}
