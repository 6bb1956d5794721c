package dev.chrysalis.inference.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a GGUF file: name, element type, shape (GGML order: {@code shape[0]} is the contiguous
 * row length) and its bytes as a slice of the mapped file (never copied).
 */
public record GgufTensor(String name, GgmlType type, long[] shape, long fileOffset, long byteSize, MemorySegment data) {

    public GgufTensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return "GgufTensor[" + name + " " + type + " " + Arrays.toString(shape) + " @" + fileOffset + "]";
    }
}
