package dev.chrysalis.inference.gpu.cuda;

/**
 * Device memory: an allocation of its context, or a {@link #slice} (a view of part of one, which is not
 * freed on its own and dies with its allocation). Using a buffer after its allocation is freed is an
 * {@link IllegalStateException}, not a device fault.
 */
public final class DeviceBuffer extends ContextResource {

    private final DeviceBuffer allocation;
    private final long address;
    private final long byteSize;

    DeviceBuffer(CudaContext context, long address, long byteSize) {
        super(context);
        this.allocation = null;
        this.address = address;
        this.byteSize = byteSize;
    }

    private DeviceBuffer(DeviceBuffer allocation, long address, long byteSize) {
        super(allocation.context);
        this.allocation = allocation;
        this.address = address;
        this.byteSize = byteSize;
    }

    /** The device pointer ({@code CUdeviceptr}). */
    public long address() {
        checkAllocation();
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

    @Override
    String what() {
        return "device buffer of " + byteSize + " bytes at 0x" + Long.toHexString(address);
    }

    /** Frees the allocation (cuMemFree); closing a slice frees nothing. */
    @Override
    void release() {
        if (allocation == null) {
            check(DriverApi.MEM_FREE, api().memFree(address));
        }
    }

    /** Throws when the allocation this buffer is (or is a view of) was freed. */
    void checkAllocation() {
        (allocation == null ? this : allocation).checkLive();
    }

    /** Throws unless {@code [offset, offset + bytes)} lies inside this buffer; {@code what} names the use. */
    void checkRange(String what, long offset, long bytes) {
        checkAllocation();
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
