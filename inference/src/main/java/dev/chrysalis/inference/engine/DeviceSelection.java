package dev.chrysalis.inference.engine;

import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import dev.chrysalis.inference.gpu.cuda.CudaUnavailableException;
import java.util.Optional;

/**
 * The device an engine runs on, chosen from the requested {@link Device} and what the CUDA driver reports.
 *
 * @param device      {@link Device#CPU} or {@link Device#CUDA} (never AUTO)
 * @param requested   what the options asked for
 * @param gpu         the GPU when {@code device} is CUDA
 * @param description one line for logs and the CLI, e.g. "cuda (GPU 0: NVIDIA H200, cc 9.0, ...)" or
 *                    "cpu (auto: no CUDA driver: libcuda.so.1 not found)"
 */
public record DeviceSelection(Device device, Device requested, Optional<CudaDevice> gpu, String description) {

    public DeviceSelection {
        if (device == Device.AUTO) {
            throw new IllegalArgumentException("a selection is CPU or CUDA, not AUTO");
        }
        if ((device == Device.CUDA) != gpu.isPresent()) {
            throw new IllegalArgumentException("a CUDA selection names its GPU and a CPU selection none");
        }
    }

    /** Selects for {@code requested}, probing the driver only when the request may use a GPU. */
    public static DeviceSelection select(Device requested) {
        return requested == Device.CPU ? cpu(requested, "requested") : select(requested, CudaDriver.probe());
    }

    /**
     * Selects for {@code requested} given the driver's {@code probe}: AUTO takes the first GPU of compute
     * capability 8.0 or newer, else the CPU; CUDA takes it or fails.
     *
     * @throws CudaUnavailableException for CUDA when the probe offers no usable GPU; the message carries the
     *                                  probe's reason
     */
    public static DeviceSelection select(Device requested, CudaProbe probe) {
        if (requested == Device.CPU) {
            return cpu(requested, "requested");
        }
        Optional<CudaDevice> gpu = probe.usableDevice();
        if (gpu.isPresent()) {
            return new DeviceSelection(Device.CUDA, requested, gpu, "cuda (" + gpu.get().describe() + ")");
        }
        String why = probe.unusableReason().orElse(probe.reason());
        if (requested == Device.CUDA) {
            throw new CudaUnavailableException("device cuda requested but " + why);
        }
        return cpu(requested, why);
    }

    /**
     * This selection when the GPU cannot run the model ({@code why}, e.g. its weight types): the CPU for AUTO.
     *
     * @throws CudaUnavailableException for CUDA, the message saying why
     */
    public DeviceSelection withoutGpu(String why) {
        if (requested == Device.CUDA) {
            throw new CudaUnavailableException("device cuda requested but " + why);
        }
        return cpu(requested, why);
    }

    private static DeviceSelection cpu(Device requested, String why) {
        return new DeviceSelection(Device.CPU, requested, Optional.empty(), "cpu (" + requested.flag() + ": " + why + ")");
    }
}
