package dev.chrysalis.inference.gpu.cuda;

/** A grid or block shape of a kernel launch; every dimension at least 1. */
public record Dim3(int x, int y, int z) {

    public Dim3 {
        if (x < 1 || y < 1 || z < 1) {
            throw new IllegalArgumentException("launch dimensions must be >= 1, were (" + x + ", " + y + ", " + z + ")");
        }
    }

    public static Dim3 of(int x) {
        return new Dim3(x, 1, 1);
    }

    public static Dim3 of(int x, int y) {
        return new Dim3(x, y, 1);
    }

    /** {@code ceil(n / d)}: blocks needed to cover n items with d per block. */
    public static int blocks(long n, int d) {
        if (n < 0 || d < 1) {
            throw new IllegalArgumentException("blocks(" + n + ", " + d + ")");
        }
        return Math.toIntExact((n + d - 1) / d);
    }
}
