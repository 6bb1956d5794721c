package dev.chrysalis.inference.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of compute threads for data-parallel loops. The calling thread takes part, so a pool of
 * {@code n} threads starts {@code n - 1} workers. Work is handed out in chunks from a shared counter,
 * so a thread slowed down by other load on the machine simply takes fewer chunks.
 *
 * <p>Workers spin briefly between loops (a decode step issues a few hundred loops per token, too many to
 * pay a park/unpark each) and park when idle. Loops must not be nested, and one loop runs at a time.
 */
public final class WorkerPool implements AutoCloseable {

    /** Body of a parallel loop over {@code [start, end)}, run on thread {@code thread} (0-based). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int start, int end, int thread);
    }

    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long epoch;
    private volatile boolean closed;
    private volatile RangeTask task;
    private volatile int total;
    private volatile int chunk;
    private volatile Throwable failure;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("chrysalis-infer-" + id).unstarted(() -> workerLoop(id));
            workers[i].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over {@code [0, n)} split in chunks of about {@code grain} (at least 1). */
    public void forRange(int n, int grain, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (threads == 1 || n <= grain) {
            task.run(0, n, 0);
            return;
        }
        int c = Math.max(grain, 1);
        // about 8 chunks per thread, so a thread slowed by other load takes fewer, but never smaller than grain
        c = Math.max(c, n / (threads * 8));
        this.total = n;
        this.chunk = c;
        this.task = task;
        this.failure = null;
        next.set(0);
        pending.set(workers.length);
        epoch = epoch + 1;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        work(0);
        while (pending.get() > 0) {
            Thread.onSpinWait();
        }
        this.task = null;
        Throwable f = failure;
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

    private void work(int thread) {
        RangeTask t = task;
        int n = total;
        int c = chunk;
        try {
            for (int s = next.getAndAdd(c); s < n; s = next.getAndAdd(c)) {
                t.run(s, Math.min(n, s + c), thread);
            }
        } catch (Throwable e) {
            failure = e;
            next.set(n);
        }
    }

    private void workerLoop(int id) {
        long seen = 0;
        while (!closed) {
            long start = System.nanoTime();
            while (epoch == seen && !closed) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 1_000_000);
                }
            }
            if (closed) {
                return;
            }
            seen = epoch;
            work(id);
            pending.decrementAndGet();
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
