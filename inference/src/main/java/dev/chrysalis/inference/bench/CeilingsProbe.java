package dev.chrysalis.inference.bench;

import java.util.Locale;

/**
 * {@code bench inference}'s CPU ceilings (read bandwidth, float and 16-bit multiply-add peaks) measured in a JVM of
 * their own, so that their loops do not shape how the JIT compiles the engine's kernels in the bench's JVM (see
 * {@link InferenceBench.CpuCeilings#measure}). Prints {@code ceilings <bytes/s> <FLOP/s> <ops/s>}.
 */
public final class CeilingsProbe {

    private CeilingsProbe() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || !args[0].matches("[1-9][0-9]{0,3}")) {
            System.err.println("usage: CeilingsProbe THREADS (1..9999), not " + String.join(" ", args));
            System.exit(2);
        }
        InferenceBench.CpuCeilings c = InferenceBench.CpuCeilings.measureHere(Integer.parseInt(args[0]));
        System.out.printf(Locale.ROOT, "ceilings %.6e %.6e %.6e%n", c.bandwidth(), c.flopPeak(), c.shortPeak());
    }
}
