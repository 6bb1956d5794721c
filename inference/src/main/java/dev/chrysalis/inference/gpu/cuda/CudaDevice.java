package dev.chrysalis.inference.gpu.cuda;

import java.util.Locale;

/**
 * One GPU as the driver describes it.
 *
 * @param ordinal            the driver's device ordinal (0-based)
 * @param name               the product name, e.g. "NVIDIA H200"
 * @param ccMajor            compute capability, major
 * @param ccMinor            compute capability, minor
 * @param totalMemory        device memory in bytes
 * @param multiprocessors    streaming multiprocessors
 * @param memoryClockKHz     peak memory clock in kHz (0 where the driver does not report it)
 * @param memoryBusWidthBits memory bus width in bits (0 where the driver does not report it)
 */
public record CudaDevice(int ordinal, String name, int ccMajor, int ccMinor, long totalMemory, int multiprocessors,
                         int memoryClockKHz, int memoryBusWidthBits) {

    /** Oldest compute capability the kernels are built for (sm_80: Ampere). */
    public static final int MIN_CC_MAJOR = 8;

    /** Whether the committed PTX can run here (compute capability 8.0 or newer). */
    public boolean supported() {
        return ccMajor >= MIN_CC_MAJOR;
    }

    /** Compute capability as "9.0". */
    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    /**
     * Theoretical peak memory bandwidth in bytes/s from clock and bus width (double data rate), or 0 when
     * the driver reports neither. Only a label: the roofline uses the measured copy bandwidth.
     */
    public double peakBandwidth() {
        return 2.0 * memoryClockKHz * 1e3 * (memoryBusWidthBits / 8.0);
    }

    /** One line for logs: "GPU 0: NVIDIA H200 (cc 9.0, 132 SMs, 139.8 GiB)". */
    public String describe() {
        return String.format(Locale.ROOT, "GPU %d: %s (cc %s, %d SMs, %.1f GiB)", ordinal, name, computeCapability(),
                multiprocessors, totalMemory / (double) (1L << 30));
    }
}
