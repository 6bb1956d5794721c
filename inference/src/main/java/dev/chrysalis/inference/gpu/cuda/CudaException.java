package dev.chrysalis.inference.gpu.cuda;

/**
 * A CUDA driver call returned an error: names the driver function (its exported symbol, e.g.
 * {@code cuMemAlloc_v2}) and the driver's name and description of the {@code CUresult}.
 */
public final class CudaException extends RuntimeException {

    private final String function;
    private final int code;
    private final String errorName;

    /**
     * @param function    the driver symbol that failed
     * @param code        its CUresult
     * @param errorName   the driver's name for the code (cuGetErrorName), e.g. CUDA_ERROR_OUT_OF_MEMORY
     * @param description the driver's description (cuGetErrorString), e.g. "out of memory"
     * @param detail      what the call was doing or what the driver logged (a PTX JIT log); empty for none
     */
    public CudaException(String function, int code, String errorName, String description, String detail) {
        super(function + " failed: " + errorName + " (" + description + ")" + (detail.isEmpty() ? "" : ": " + detail));
        this.function = function;
        this.code = code;
        this.errorName = errorName;
    }

    /** The driver symbol that failed, e.g. {@code cuModuleLoadDataEx}. */
    public String function() {
        return function;
    }

    /** The CUresult value. */
    public int code() {
        return code;
    }

    /** The driver's name for {@link #code()}, e.g. {@code CUDA_ERROR_INVALID_VALUE}. */
    public String errorName() {
        return errorName;
    }
}
