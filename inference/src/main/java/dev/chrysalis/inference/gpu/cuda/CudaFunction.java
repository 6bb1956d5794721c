package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A kernel of a loaded module.
 *
 * @param name       the kernel's name ({@code .entry} in the PTX)
 * @param handle     the driver's {@code CUfunction}
 * @param paramTypes the PTX types of its parameters in order ({@code u64}, {@code u32}, {@code s32}, {@code f32}, ...);
 *                   launches are checked against them
 */
public record CudaFunction(String name, MemorySegment handle, List<String> paramTypes) {

    public CudaFunction {
        paramTypes = List.copyOf(paramTypes);
    }

    /** Number of parameters. */
    public int params() {
        return paramTypes.size();
    }
}
