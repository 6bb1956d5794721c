package dev.chrysalis.inference.engine;

import java.util.Locale;

/** Where the forward pass runs. */
public enum Device {
    /** A CUDA GPU of compute capability 8.0 or newer when the driver reports one, else the CPU. */
    AUTO,
    /** The CPU (Vector API kernels). */
    CPU,
    /** A CUDA GPU; loading fails with the driver probe's reason when there is none. */
    CUDA;

    /**
     * Parses "auto", "cpu" or "cuda" (any case).
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static Device parse(String s) {
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "cpu" -> CPU;
            case "cuda", "gpu" -> CUDA;
            default -> throw new IllegalArgumentException("device '" + s + "' is not auto, cpu or cuda");
        };
    }

    /** The name as the command line spells it. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
