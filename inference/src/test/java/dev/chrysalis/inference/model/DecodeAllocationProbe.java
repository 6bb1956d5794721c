package dev.chrysalis.inference.model;

import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.Session;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@link DecodeAllocationTest}'s child JVM: loads each model given, in order, decodes token by token on two threads
 * and prints {@code allocated <file> <bytes per step>}, the heap all threads allocated per step over the last
 * {@link #MEASURED} steps, once the kernels have had {@link #WARM_UP} steps to be compiled.
 */
public final class DecodeAllocationProbe {

    static final int WARM_UP = 1200;
    static final int MEASURED = 200;

    private DecodeAllocationProbe() {
    }

    public static void main(String[] args) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (String a : args) {
            Path model = Path.of(a);
            try (Engine e = Engine.load(model, EngineOptions.defaults().withThreads(2))) {
                int vocab = e.config().vocabSize();
                int perSession = e.contextLength() - 2;
                SplittableRandom rnd = new SplittableRandom(7);
                long allocated = 0;
                int step = 0;
                while (step < WARM_UP + MEASURED) {
                    try (Session s = e.newSession()) {
                        int[] tokens = new int[perSession + 1];
                        for (int i = 0; i < tokens.length; i++) {
                            tokens[i] = 1 + rnd.nextInt(vocab - 1);
                        }
                        for (int n = 1; n <= perSession && step < WARM_UP + MEASURED; n++, step++) {
                            int[] prompt = Arrays.copyOf(tokens, n);
                            long before = step >= WARM_UP ? allThreads(threads) : 0;
                            s.evaluate(prompt);
                            if (step >= WARM_UP) {
                                allocated += allThreads(threads) - before;
                            }
                        }
                    }
                }
                System.out.println("allocated " + model.getFileName() + " " + allocated / MEASURED);
            }
        }
    }

    private static long allThreads(com.sun.management.ThreadMXBean threads) {
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long b = threads.getThreadAllocatedBytes(id);
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }
}
