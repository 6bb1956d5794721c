package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A kernel of a loaded module: its name, the driver's {@code CUfunction} and the PTX types of its
 * parameters in order ({@code u64}, {@code u32}, {@code s32}, {@code f32}, ...), against which
 * {@link CudaStream#launch} checks each argument.
 */
public final class CudaFunction {

    static final byte OTHER = 0;
    static final byte POINTER = 1;
    static final byte INT32 = 2;
    static final byte FLOAT32 = 3;

    private final String name;
    private final MemorySegment handle;
    private final List<String> paramTypes;
    /** What each parameter takes, worked out once from its PTX type so launches compare bytes. */
    private final byte[] kinds;

    CudaFunction(String name, MemorySegment handle, List<String> paramTypes) {
        this.name = name;
        this.handle = handle;
        this.paramTypes = List.copyOf(paramTypes);
        this.kinds = new byte[paramTypes.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = switch (paramTypes.get(i)) {
                case "u64", "s64", "b64" -> POINTER;
                case "u32", "s32", "b32" -> INT32;
                case "f32" -> FLOAT32;
                default -> OTHER;
            };
        }
    }

    /** The kernel's name ({@code .entry} in the PTX). */
    public String name() {
        return name;
    }

    /** The driver's {@code CUfunction}. */
    public MemorySegment handle() {
        return handle;
    }

    /** The PTX types of the parameters, without their dot. */
    public List<String> paramTypes() {
        return paramTypes;
    }

    /** Number of parameters. */
    public int params() {
        return kinds.length;
    }

    byte kind(int i) {
        return kinds[i];
    }

    @Override
    public String toString() {
        return "CudaFunction[" + name + "(" + String.join(", ", paramTypes) + ")]";
    }
}
