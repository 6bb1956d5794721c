package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory (cuMemHostAlloc), seen from Java as a {@link MemorySegment}. The segment is
 * scoped to this buffer: after {@link #close()} any access to it throws instead of touching freed memory.
 */
public final class PinnedBuffer implements AutoCloseable {

    private final CudaContext context;
    private final MemorySegment raw;
    private final Arena scope = Arena.ofShared();
    private final MemorySegment segment;
    private boolean freed;

    PinnedBuffer(CudaContext context, MemorySegment raw, long bytes) {
        this.context = context;
        this.raw = raw;
        this.segment = raw.reinterpret(bytes, scope, null);
    }

    /** The memory; valid until {@link #close()}. */
    public MemorySegment segment() {
        return segment;
    }

    public long byteSize() {
        return segment.byteSize();
    }

    /** Frees the memory (cuMemFreeHost). Idempotent. */
    @Override
    public synchronized void close() {
        if (freed) {
            return;
        }
        context.ensureCurrent();
        freed = true;
        scope.close();
        context.forget(this);
        context.driver().check(DriverApi.MEM_FREE_HOST, context.api().memFreeHost(raw));
    }
}
