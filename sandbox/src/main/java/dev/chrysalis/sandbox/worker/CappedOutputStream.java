package dev.chrysalis.sandbox.worker;

import dev.chrysalis.sandbox.guard.Rule;
import dev.chrysalis.sandbox.guard.Violation;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What System.out and System.err write to inside a worker: standard error, up to a budget. Past the budget
 * the output is dropped and the breach reported once (the parent then ends the worker).
 */
final class CappedOutputStream extends OutputStream {
    private final OutputStream target;
    private final long budget;
    private final AtomicLong written;
    private final AtomicBoolean reported;
    private final Consumer<Violation> reporter;

    CappedOutputStream(OutputStream target, long budget, AtomicLong written, AtomicBoolean reported,
                       Consumer<Violation> reporter) {
        this.target = target;
        this.budget = budget;
        this.written = written;
        this.reported = reported;
        this.reporter = reporter;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        long after = written.addAndGet(len);
        if (after > budget) {
            if (reported.compareAndSet(false, true)) {
                reporter.accept(new Violation(Rule.OUTPUT_LIMIT, "more than " + budget + " bytes on stdout/stderr",
                        "System.out/System.err", Thread.currentThread().getName()));
            }
            return;
        }
        target.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        target.flush();
    }
}
