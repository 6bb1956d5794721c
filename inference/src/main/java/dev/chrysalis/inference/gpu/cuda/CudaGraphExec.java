package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.MemorySegment;

/** An instantiated graph: launch replays all its captured work with one driver call. */
public final class CudaGraphExec extends ContextResource {

    private final MemorySegment handle;

    CudaGraphExec(CudaContext context, MemorySegment handle) {
        super(context);
        this.handle = handle;
    }

    /** Enqueues the whole graph on {@code stream} (cuGraphLaunch). */
    public void launch(CudaStream stream) {
        checkLive();
        context.ensureCurrent();
        check(DriverApi.GRAPH_LAUNCH, api().graphLaunch(handle, stream.live()));
    }

    @Override
    String what() {
        return "CUDA graph exec";
    }

    @Override
    void release() {
        check(DriverApi.GRAPH_EXEC_DESTROY, api().graphExecDestroy(handle));
    }
}
