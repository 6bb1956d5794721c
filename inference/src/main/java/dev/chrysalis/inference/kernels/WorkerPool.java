package dev.chrysalis.inference.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of compute threads for data-parallel loops. The calling thread takes part, so a pool of
 * {@code n} threads starts {@code n - 1} workers. Work is handed out in chunks from a shared counter,
 * so a thread slowed down by other load on the machine simply takes fewer chunks. Chunks are guided: each
 * is the remaining work divided by the thread count (at least the loop's grain), so a loop starts with
 * large chunks and ends with small ones and the threads finish close together (decode, ~110 loops per
 * token on 2 threads: +3% over fixed chunks of an eighth per thread).
 *
 * <p>A loop ends when all its elements are done, not when every worker has checked in: on a machine
 * shared with other processes a worker may not be scheduled for milliseconds, and the caller then does
 * all the chunks itself instead of waiting for it. A worker that wakes up late finds its loop's counter
 * exhausted and does nothing (each loop has its own counters, so it never takes part of a newer loop).
 *
 * <p>Workers spin briefly between loops (a decode step issues a hundred loops per token, too many to
 * pay a park/unpark each) and park when idle. Loops must not be nested, and one loop runs at a time.
 */
public final class WorkerPool implements AutoCloseable {

    /** Body of a parallel loop over {@code [start, end)}, run on thread {@code thread} (0-based). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end, int thread);
    }

    private static final long SPIN_NANOS = 200_000;
    /** How long the caller spins for a worker's last chunks before yielding its core between checks. */
    private static final long YIELD_AFTER_NANOS = 50_000;

    /** One parallel loop: its body, its size and its own claim and completion counters. */
    private static final class Job {
        final RangeTask task;
        final int total;
        final int chunk;
        final int threads;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(RangeTask task, int total, int chunk, int threads) {
            this.task = task;
            this.total = total;
            this.chunk = chunk;
            this.threads = threads;
        }

        /** The end of the chunk that starts at {@code s}: a thread's share of what is left, at least {@code chunk}. */
        int chunkEnd(int s) {
            return Math.min(total, s + Math.max(chunk, (total - s) / threads));
        }

        /** Claims the next chunk and returns its start ({@code >= total} when none is left). */
        int claim() {
            while (true) {
                int s = next.get();
                if (s >= total || next.compareAndSet(s, chunkEnd(s))) {
                    return s;
                }
            }
        }

        /** Runs chunks until none is left; failures are recorded and the chunk still counts as done. */
        void work(int thread) {
            for (int s = claim(); s < total; s = claim()) {
                int e = chunkEnd(s);
                try {
                    if (failure == null) {
                        task.run(s, e, thread);
                    }
                } catch (Throwable t) {
                    failure = t;
                }
                done.addAndGet(e - s);
            }
        }
    }

    private final int threads;
    private final Thread[] workers;
    /** 1 while worker i+1 is (about to be) parked: only those need an unpark, a spinning one sees the job itself. */
    private final AtomicIntegerArray parked;
    private volatile boolean closed;
    private volatile Job current;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        this.parked = new AtomicIntegerArray(Math.max(0, threads - 1));
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("chrysalis-infer-" + id).unstarted(() -> workerLoop(id));
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over {@code [0, n)} in guided chunks of at least {@code grain} elements (and 1). */
    public void forRange(int n, int grain, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (threads == 1 || n <= grain) {
            task.run(0, n, 0);
            return;
        }
        Job job = new Job(task, n, Math.max(grain, 1), threads);
        current = job;
        for (int i = 0; i < workers.length; i++) {
            if (parked.get(i) != 0) {
                LockSupport.unpark(workers[i]);
            }
        }
        job.work(0);
        long waitStart = 0;
        while (job.done.get() < n) {
            // the last chunks are on a worker: spin while it is likely running, then give up the core, since
            // on a loaded machine it may be waiting for exactly this core to be scheduled
            if (waitStart == 0) {
                waitStart = System.nanoTime();
            } else if (System.nanoTime() - waitStart > YIELD_AFTER_NANOS) {
                Thread.yield();
                continue;
            }
            Thread.onSpinWait();
        }
        Throwable f = job.failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(f);
        }
    }

    private void workerLoop(int id) {
        Job seen = null;
        while (!closed) {
            long start = System.nanoTime();
            Job job;
            while ((job = current) == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked.set(id - 1, 1);
                    if (current == seen && !closed) {
                        LockSupport.parkNanos(this, 1_000_000);
                    }
                    parked.set(id - 1, 0);
                }
            }
            if (closed) {
                return;
            }
            seen = job;
            job.work(id);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
