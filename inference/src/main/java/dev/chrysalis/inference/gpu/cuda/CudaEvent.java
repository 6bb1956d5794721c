package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A CUDA event: a point in a stream's work, recorded with {@link CudaStream#record(CudaEvent)}; timing enabled. */
public final class CudaEvent extends ContextResource {

    private final MemorySegment handle;

    CudaEvent(CudaContext context, MemorySegment handle) {
        super(context);
        this.handle = handle;
    }

    /** Waits until the work before the event's last record has completed. */
    public void synchronize() {
        context.ensureCurrent();
        check(DriverApi.EVENT_SYNCHRONIZE, api().eventSynchronize(live()));
    }

    /**
     * Milliseconds from {@code start} to this event (both recorded and completed; resolution about 0.5 us).
     */
    public float elapsedMillis(CudaEvent start) {
        context.ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(ValueLayout.JAVA_FLOAT);
            check(api().eventElapsedTimeName, api().eventElapsedTime(ms, start.live(), live()));
            return ms.get(ValueLayout.JAVA_FLOAT, 0);
        }
    }

    MemorySegment live() {
        checkLive();
        return handle;
    }

    @Override
    String what() {
        return "CUDA event";
    }

    @Override
    void release() {
        check(DriverApi.EVENT_DESTROY, api().eventDestroy(handle));
    }
}
