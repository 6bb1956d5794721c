package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.MemorySegment;

/** An instantiated graph: launch replays all its captured work with one driver call. */
public final class CudaGraphExec implements AutoCloseable {

    private final CudaContext context;
    private final MemorySegment handle;
    private boolean destroyed;

    CudaGraphExec(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    /** Enqueues the whole graph on {@code stream} (cuGraphLaunch). */
    public void launch(CudaStream stream) {
        MemorySegment exec;
        synchronized (this) {
            if (destroyed) {
                throw new IllegalStateException("CUDA graph exec was destroyed");
            }
            exec = handle;
        }
        context.ensureCurrent();
        context.driver().check(DriverApi.GRAPH_LAUNCH, context.api().graphLaunch(exec, stream.live()));
    }

    @Override
    public synchronized void close() {
        if (destroyed) {
            return;
        }
        context.ensureCurrent();
        destroyed = true;
        context.forget(this);
        context.driver().check(DriverApi.GRAPH_EXEC_DESTROY, context.api().graphExecDestroy(handle));
    }
}
