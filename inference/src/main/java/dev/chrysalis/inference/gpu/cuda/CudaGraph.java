package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Work captured from a stream ({@link CudaStream#endCapture()}); instantiate it to launch it. */
public final class CudaGraph extends ContextResource {

    private final MemorySegment handle;

    CudaGraph(CudaContext context, MemorySegment handle) {
        super(context);
        this.handle = handle;
    }

    /** An executable graph (cuGraphInstantiateWithFlags); it stays valid after this graph is closed. */
    public synchronized CudaGraphExec instantiate() {
        checkLive();
        context.ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            check(DriverApi.GRAPH_INSTANTIATE, api().graphInstantiate(out, handle, 0L));
            return context.adopt(new CudaGraphExec(context, out.get(ValueLayout.ADDRESS, 0)));
        }
    }

    @Override
    String what() {
        return "CUDA graph";
    }

    @Override
    void release() {
        check(DriverApi.GRAPH_DESTROY, api().graphDestroy(handle));
    }
}
