package dev.chrysalis.inference.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/** The key/value metadata of a GGUF file, in file order, with typed accessors. */
public final class GgufMetadata {

    private final Map<String, GgufValue> values;

    public GgufMetadata(Map<String, GgufValue> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Optional<String> getString(String key) {
        return values.get(key) instanceof GgufValue.StringValue s ? Optional.of(s.value()) : Optional.empty();
    }

    /** Any integer-typed value (a bool reads as 0/1). */
    public OptionalLong getLong(String key) {
        return switch (values.get(key)) {
            case GgufValue.IntValue i -> OptionalLong.of(i.value());
            case GgufValue.BoolValue b -> OptionalLong.of(b.value() ? 1 : 0);
            case null, default -> OptionalLong.empty();
        };
    }

    /** Any float- or integer-typed value. */
    public OptionalDouble getDouble(String key) {
        return switch (values.get(key)) {
            case GgufValue.FloatValue f -> OptionalDouble.of(f.value());
            case GgufValue.IntValue i -> OptionalDouble.of(i.value());
            case null, default -> OptionalDouble.empty();
        };
    }

    public Optional<Boolean> getBool(String key) {
        return switch (values.get(key)) {
            case GgufValue.BoolValue b -> Optional.of(b.value());
            case GgufValue.IntValue i -> Optional.of(i.value() != 0);
            case null, default -> Optional.empty();
        };
    }

    /** A string array, or an empty list if absent or of another type. */
    public List<String> getStringArray(String key) {
        return values.get(key) instanceof GgufValue.StringArray a ? a.values() : List.of();
    }

    /** A numeric array as floats (copy), or an empty array if absent or not numeric. */
    public float[] getFloatArray(String key) {
        return switch (values.get(key)) {
            case GgufValue.FloatArray a -> {
                float[] out = new float[a.values().length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) a.values()[i];
                }
                yield out;
            }
            case GgufValue.IntArray a -> {
                float[] out = new float[a.values().length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = a.values()[i];
                }
                yield out;
            }
            case null, default -> new float[0];
        };
    }

    /**
     * An integer array as ints (copy), or an empty array if absent or not integer-typed.
     *
     * @throws GgufFormatException if a value does not fit in an int
     */
    public int[] getIntArray(String key) {
        return switch (values.get(key)) {
            case GgufValue.IntArray a -> {
                int[] out = new int[a.values().length];
                for (int i = 0; i < out.length; i++) {
                    long v = a.values()[i];
                    if (v != (int) v) {
                        throw new GgufFormatException("metadata '" + key + "'[" + i + "]: value " + v + " does not fit in an int");
                    }
                    out[i] = (int) v;
                }
                yield out;
            }
            case GgufValue.BoolArray a -> {
                int[] out = new int[a.values().length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = a.values()[i] ? 1 : 0;
                }
                yield out;
            }
            case null, default -> new int[0];
        };
    }

    /** A required integer, with an error naming the key when missing. */
    public long requireLong(String key) {
        return getLong(key).orElseThrow(() -> new GgufFormatException("metadata '" + key + "': missing or not an integer"));
    }

    /** A required string, with an error naming the key when missing. */
    public String requireString(String key) {
        return getString(key).orElseThrow(() -> new GgufFormatException("metadata '" + key + "': missing or not a string"));
    }

    @Override
    public String toString() {
        return "GgufMetadata" + values.keySet();
    }
}
