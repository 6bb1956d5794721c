package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Work captured from a stream ({@link CudaStream#endCapture()}); instantiate it to launch it. */
public final class CudaGraph implements AutoCloseable {

    private final CudaContext context;
    private final MemorySegment handle;
    private boolean destroyed;

    CudaGraph(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    /** An executable graph (cuGraphInstantiateWithFlags); it stays valid after this graph is closed. */
    public synchronized CudaGraphExec instantiate() {
        if (destroyed) {
            throw new IllegalStateException("CUDA graph was destroyed");
        }
        context.ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            context.driver().check(DriverApi.GRAPH_INSTANTIATE, context.api().graphInstantiate(out, handle, 0L));
            return context.adopt(new CudaGraphExec(context, out.get(ValueLayout.ADDRESS, 0)));
        }
    }

    @Override
    public synchronized void close() {
        if (destroyed) {
            return;
        }
        context.ensureCurrent();
        destroyed = true;
        context.forget(this);
        context.driver().check(DriverApi.GRAPH_DESTROY, context.api().graphDestroy(handle));
    }
}
