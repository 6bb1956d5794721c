package dev.chrysalis.inference.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void everyIndexRunsExactlyOnceOnAThreadOfThePool() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int n : new int[] {1, 2, 7, 64, 1000, 4099}) {
                for (int grain : new int[] {1, 3, 16, 5000}) {
                    // back-to-back loops: a worker waking late must never run part of a newer loop twice
                    for (int rep = 0; rep < 20; rep++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        AtomicIntegerArray threads = new AtomicIntegerArray(3);
                        pool.forRange(n, grain, (s, e, t) -> {
                            threads.incrementAndGet(t);
                            for (int i = s; i < e; i++) {
                                hits.incrementAndGet(i);
                            }
                        });
                        for (int i = 0; i < n; i++) {
                            assertEquals(1, hits.get(i), "n " + n + " grain " + grain + " index " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aFailingTaskIsRethrownAndThePoolKeepsWorking() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forRange(100, 1, (s, end, t) -> {
                if (s <= 50 && 50 < end) {
                    throw new IllegalStateException("chunk with 50");
                }
            }));
            assertEquals("chunk with 50", e.getMessage());
            AtomicIntegerArray hits = new AtomicIntegerArray(100);
            pool.forRange(100, 1, (s, end, t) -> {
                for (int i = s; i < end; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 100; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void rejectsAPoolWithoutThreads() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0)).getMessage().contains("threads must be >= 1"));
    }
}
