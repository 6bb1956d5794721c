package dev.chrysalis.inference.gpu.cuda;

/**
 * No usable CUDA: the driver library is missing, is not a CUDA driver, or finds no GPU. The message is
 * one line meant for the user ("no CUDA driver: libcuda.so.1 not found"); callers fall back to the CPU.
 */
public final class CudaUnavailableException extends RuntimeException {

    public CudaUnavailableException(String reason) {
        super(reason);
    }

    public CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }

    /** The one-line reason. */
    public String reason() {
        return getMessage();
    }
}
