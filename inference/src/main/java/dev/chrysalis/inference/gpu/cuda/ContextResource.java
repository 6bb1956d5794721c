package dev.chrysalis.inference.gpu.cuda;

/**
 * Something a {@link CudaContext} made and frees when it closes (buffers, modules, streams, events, graphs):
 * released once, by its own {@link #close()} or by the context's, with the context current; using it after
 * is an {@link IllegalStateException} naming what it was.
 */
abstract sealed class ContextResource implements AutoCloseable
        permits CudaEvent, CudaGraph, CudaGraphExec, CudaModule, CudaStream, DeviceBuffer, PinnedBuffer {

    final CudaContext context;
    private volatile boolean released;

    ContextResource(CudaContext context) {
        this.context = context;
    }

    /** What this is, for messages: "CUDA stream". */
    abstract String what();

    /** Frees the driver object; called once, with the context current on the calling thread. */
    abstract void release();

    /** Throws unless this is still alive. */
    final void checkLive() {
        if (released) {
            throw new IllegalStateException(what() + " was " + (this instanceof DeviceBuffer ? "freed" : "destroyed"));
        }
    }

    final boolean isReleased() {
        return released;
    }

    /** Releases this resource. Idempotent. */
    @Override
    public final synchronized void close() {
        if (released) {
            return;
        }
        context.ensureCurrent();
        released = true;
        context.forget(this);
        release();
    }

    /** Checks a driver call made on behalf of this resource. */
    final void check(String function, int result) {
        context.driver().check(function, result);
    }

    final DriverApi api() {
        return context.api();
    }
}
