package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A CUDA event: a point in a stream's work, recorded with {@link CudaStream#record(CudaEvent)}; timing enabled. */
public final class CudaEvent implements AutoCloseable {

    private final CudaContext context;
    private final MemorySegment handle;
    private boolean destroyed;

    CudaEvent(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    /** Waits until the work before the event's last record has completed. */
    public void synchronize() {
        context.ensureCurrent();
        context.driver().check(DriverApi.EVENT_SYNCHRONIZE, context.api().eventSynchronize(live()));
    }

    /**
     * Milliseconds from {@code start} to this event (both recorded and completed; resolution about 0.5 us).
     */
    public float elapsedMillis(CudaEvent start) {
        context.ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ms = a.allocate(ValueLayout.JAVA_FLOAT);
            String fn = context.api().eventElapsedTimeName;
            context.driver().check(fn, context.api().eventElapsedTime(ms, start.live(), live()));
            return ms.get(ValueLayout.JAVA_FLOAT, 0);
        }
    }

    synchronized MemorySegment live() {
        if (destroyed) {
            throw new IllegalStateException("CUDA event was destroyed");
        }
        return handle;
    }

    @Override
    public synchronized void close() {
        if (destroyed) {
            return;
        }
        context.ensureCurrent();
        destroyed = true;
        context.forget(this);
        context.driver().check(DriverApi.EVENT_DESTROY, context.api().eventDestroy(handle));
    }
}
