package dev.chrysalis.inference.gpu.cuda;

import java.util.List;
import java.util.Optional;

/**
 * What {@link CudaDriver#probe()} found.
 *
 * @param available whether the driver loaded, initialised and reports at least one GPU
 * @param reason    one line: why CUDA is unavailable, or a summary of the devices found
 * @param devices   the GPUs (empty when unavailable)
 */
public record CudaProbe(boolean available, String reason, List<CudaDevice> devices) {

    public CudaProbe {
        devices = List.copyOf(devices);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a probe needs a reason");
        }
    }

    static CudaProbe unavailable(String reason) {
        return new CudaProbe(false, reason, List.of());
    }

    /** The first GPU the kernels support (compute capability >= 8.0). */
    public Optional<CudaDevice> usableDevice() {
        return devices.stream().filter(CudaDevice::supported).findFirst();
    }

    /**
     * Why no device can be used: the probe's reason when unavailable, else that every GPU is older than
     * compute capability 8.0. Empty when {@link #usableDevice()} has one.
     */
    public Optional<String> unusableReason() {
        if (!available) {
            return Optional.of(reason);
        }
        if (usableDevice().isPresent()) {
            return Optional.empty();
        }
        return Optional.of("no GPU of compute capability >= " + CudaDevice.MIN_CC_MAJOR + ".0: "
                + String.join(", ", devices.stream().map(CudaDevice::describe).toList()));
    }
}
