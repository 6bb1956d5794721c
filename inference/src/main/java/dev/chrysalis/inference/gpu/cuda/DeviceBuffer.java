package dev.chrysalis.inference.gpu.cuda;

/**
 * Device memory: an allocation of its context, or a {@link #slice} (a view of part of one, which is not
 * freed on its own and dies with its allocation). Using a buffer after its allocation is freed is an
 * {@link IllegalStateException}, not a device fault.
 */
public final class DeviceBuffer implements AutoCloseable {

    private final CudaContext context;
    private final DeviceBuffer allocation;
    private final long address;
    private final long byteSize;
    private volatile boolean freed;

    DeviceBuffer(CudaContext context, long address, long byteSize) {
        this.context = context;
        this.allocation = null;
        this.address = address;
        this.byteSize = byteSize;
    }

    private DeviceBuffer(DeviceBuffer allocation, long address, long byteSize) {
        this.context = allocation.context;
        this.allocation = allocation;
        this.address = address;
        this.byteSize = byteSize;
    }

    /** The device pointer ({@code CUdeviceptr}). */
    public long address() {
        checkLive();
        return address;
    }

    public long byteSize() {
        return byteSize;
    }

    /** Whether this is a view of another buffer. */
    public boolean isSlice() {
        return allocation != null;
    }

    /**
     * A view of {@code bytes} from {@code offset}.
     *
     * @throws IndexOutOfBoundsException when the range is not inside this buffer
     */
    public DeviceBuffer slice(long offset, long bytes) {
        checkRange("slice", offset, bytes);
        return new DeviceBuffer(allocation == null ? this : allocation, address + offset, bytes);
    }

    /** Frees the allocation (cuMemFree); a slice frees nothing. Idempotent. */
    @Override
    public void close() {
        if (allocation != null || freed) {
            return;
        }
        synchronized (this) {
            if (freed) {
                return;
            }
            context.ensureCurrent();
            freed = true;
            context.forget(this);
            context.driver().check(DriverApi.MEM_FREE, context.api().memFree(address));
        }
    }

    CudaContext context() {
        return context;
    }

    void checkLive() {
        if (allocation != null ? allocation.freed : freed) {
            throw new IllegalStateException("device buffer of " + byteSize + " bytes at 0x" + Long.toHexString(address) + " was freed");
        }
    }

    /** Throws unless {@code [offset, offset + bytes)} lies inside this buffer; {@code what} names the use. */
    void checkRange(String what, long offset, long bytes) {
        checkLive();
        if (offset < 0 || bytes < 0 || offset > byteSize - bytes) {
            throw new IndexOutOfBoundsException(what + ": range [" + offset + ", " + offset + " + " + bytes + ") is outside the device buffer of "
                    + byteSize + " bytes");
        }
    }

    @Override
    public String toString() {
        return "DeviceBuffer[0x" + Long.toHexString(address) + ", " + byteSize + " bytes" + (isSlice() ? ", slice" : "") + "]";
    }
}
