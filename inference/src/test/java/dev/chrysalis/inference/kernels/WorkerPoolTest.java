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
    void chunksShrinkFromAThreadsShareOfTheLoopToTheGrain() {
        try (WorkerPool pool = new WorkerPool(3)) {
            java.util.List<int[]> chunks = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            pool.forRange(1000, 16, (s, e, t) -> chunks.add(new int[] {s, e}));
            chunks.sort(java.util.Comparator.comparingInt(c -> c[0]));
            // guided: each chunk is a third of what was left when it was claimed, at least the grain
            assertEquals(0, chunks.get(0)[0]);
            assertEquals(333, chunks.get(0)[1]);
            for (int i = 0; i < chunks.size(); i++) {
                int[] c = chunks.get(i);
                int left = 1000 - c[0];
                assertEquals(Math.min(1000, c[0] + Math.max(16, left / 3)), c[1], "chunk " + i);
                if (i > 0) {
                    assertEquals(chunks.get(i - 1)[1], c[0], "chunks are contiguous");
                }
            }
            assertEquals(1000, chunks.get(chunks.size() - 1)[1]);
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
