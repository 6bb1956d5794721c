package dev.chrysalis.inference.model;

import java.util.Locale;
import java.util.Optional;

/** Storage format of the attention key/value cache. */
public enum KvCacheType {
    /** 4 bytes per value, exact. */
    F32(4.0),
    /** 2 bytes per value (IEEE half precision). */
    F16(2.0),
    /** 34 bytes per 32 values: int8 with one f16 scale per block, as GGML's Q8_0. */
    Q8_0(34.0 / 32.0);

    private final double bytesPerValue;

    KvCacheType(double bytesPerValue) {
        this.bytesPerValue = bytesPerValue;
    }

    public double bytesPerValue() {
        return bytesPerValue;
    }

    /** Parses {@code f32}, {@code f16} or {@code q8_0} (any case). */
    public static Optional<KvCacheType> parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32" -> Optional.of(F32);
            case "f16" -> Optional.of(F16);
            case "q8_0", "q8" -> Optional.of(Q8_0);
            default -> Optional.empty();
        };
    }
}
