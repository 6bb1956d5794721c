package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory (cuMemHostAlloc), seen from Java as a {@link MemorySegment}. The segment is
 * scoped to this buffer: after {@link #close()} any access to it throws instead of touching freed memory.
 */
public final class PinnedBuffer extends ContextResource {

    private final MemorySegment raw;
    private final Arena scope = Arena.ofShared();
    private final MemorySegment segment;

    PinnedBuffer(CudaContext context, MemorySegment raw, long bytes) {
        super(context);
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

    @Override
    String what() {
        return "pinned host buffer";
    }

    /** Frees the memory (cuMemFreeHost). */
    @Override
    void release() {
        scope.close();
        check(DriverApi.MEM_FREE_HOST, api().memFreeHost(raw));
    }
}
