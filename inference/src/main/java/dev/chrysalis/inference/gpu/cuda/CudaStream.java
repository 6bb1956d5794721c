package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A stream: work on it runs in order, asynchronously to the host. Copies, memsets and launches are
 * enqueued and return at once; {@link #synchronize()} or an event waits for them. Host memory given to an
 * async copy must stay alive and unchanged until the copy has run (use {@link PinnedBuffer} memory for
 * truly asynchronous copies; the driver stages pageable memory).
 *
 * <p>One thread at a time may enqueue on a stream (launches share the stream's argument buffer).
 */
public final class CudaStream extends ContextResource {

    /** Most kernel parameters a launch passes. */
    public static final int MAX_KERNEL_PARAMS = 64;

    private final DriverApi api;
    private final CudaDriver driver;
    private final MemorySegment handle;
    private final Arena arena = Arena.ofShared();
    /** One 8-byte slot per parameter value. */
    private final MemorySegment values;
    /** The {@code void** kernelParams} array: entry i points at value slot i (set once). */
    private final MemorySegment params;
    private boolean capturing;

    CudaStream(CudaContext context, MemorySegment handle) {
        super(context);
        this.api = context.api();
        this.driver = context.driver();
        this.handle = handle;
        this.values = arena.allocate(8L * MAX_KERNEL_PARAMS, 8);
        this.params = arena.allocate(ValueLayout.ADDRESS, MAX_KERNEL_PARAMS);
        for (int i = 0; i < MAX_KERNEL_PARAMS; i++) {
            params.setAtIndex(ValueLayout.ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    /**
     * Enqueues {@code f} on this stream (cuLaunchKernel). Arguments, in the kernel's parameter order: a
     * {@link DeviceBuffer} or a {@link Long} (raw device pointer) for a pointer ({@code .u64}) parameter, an
     * {@link Integer} for a 32-bit integer parameter, a {@link Float} for a {@code .f32} parameter.
     *
     * @throws IllegalArgumentException naming the argument index when an argument is of another kind than
     *                                  the parameter, or the count differs from the kernel's
     */
    public synchronized void launch(CudaFunction f, Dim3 grid, Dim3 block, int sharedBytes, Object... args) {
        if (args.length != f.params()) {
            throw new IllegalArgumentException("kernel '" + f.name() + "' takes " + f.params() + " arguments, got " + args.length);
        }
        if (args.length > MAX_KERNEL_PARAMS) {
            throw new IllegalArgumentException("kernel '" + f.name() + "': at most " + MAX_KERNEL_PARAMS + " arguments, got " + args.length);
        }
        if (sharedBytes < 0) {
            throw new IllegalArgumentException("kernel '" + f.name() + "': negative shared memory " + sharedBytes);
        }
        for (int i = 0; i < args.length; i++) {
            put(f, i, args[i]);
        }
        live();
        context.ensureCurrent();
        int rc = api.launchKernel(f.handle(), grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(), sharedBytes, handle,
                params, MemorySegment.NULL);
        if (rc != DriverApi.SUCCESS) {
            throw driver.error(DriverApi.LAUNCH_KERNEL, rc, "kernel '" + f.name() + "' grid " + dims(grid) + " block " + dims(block)
                    + " shared " + sharedBytes);
        }
    }

    private void put(CudaFunction f, int i, Object arg) {
        byte kind = f.kind(i);
        long slot = 8L * i;
        switch (arg) {
            case DeviceBuffer b when kind == CudaFunction.POINTER -> {
                if (b.context != context) {
                    throw new IllegalArgumentException(where(f, i) + ": the device buffer belongs to another CUDA context");
                }
                values.set(ValueLayout.JAVA_LONG, slot, b.address());
            }
            case Long p when kind == CudaFunction.POINTER -> values.set(ValueLayout.JAVA_LONG, slot, p);
            case Integer n when kind == CudaFunction.INT32 -> values.set(ValueLayout.JAVA_INT, slot, n);
            case Float x when kind == CudaFunction.FLOAT32 -> values.set(ValueLayout.JAVA_FLOAT, slot, x);
            case DeviceBuffer _, Long _, Integer _, Float _ -> throw new IllegalArgumentException(where(f, i) + ": PTX parameter type ."
                    + f.paramTypes().get(i) + " does not take a " + arg.getClass().getSimpleName());
            case null -> throw new IllegalArgumentException(where(f, i) + ": null (use 0L for a null pointer)");
            default -> throw new IllegalArgumentException(where(f, i) + ": a " + arg.getClass().getName()
                    + " cannot be passed (use DeviceBuffer, Long, Integer or Float)");
        }
    }

    private static String where(CudaFunction f, int i) {
        return "kernel '" + f.name() + "' argument " + i;
    }

    private static String dims(Dim3 d) {
        return "(" + d.x() + "," + d.y() + "," + d.z() + ")";
    }

    /** Copies {@code bytes} from host memory {@code src} to {@code dst + dstOffset}. */
    public void copyHtoD(DeviceBuffer dst, long dstOffset, MemorySegment src, long bytes) {
        dst.checkRange("copyHtoD destination", dstOffset, bytes);
        checkHost("copyHtoD source", src, bytes);
        sameContext("copyHtoD", dst);
        context.ensureCurrent();
        driver.check(DriverApi.MEMCPY_HTOD_ASYNC, api.memcpyHtoDAsync(dst.address() + dstOffset, src, bytes, live()), bytes + " bytes");
    }

    /** Copies {@code bytes} from {@code src + srcOffset} to host memory {@code dst}. */
    public void copyDtoH(MemorySegment dst, DeviceBuffer src, long srcOffset, long bytes) {
        src.checkRange("copyDtoH source", srcOffset, bytes);
        checkHost("copyDtoH destination", dst, bytes);
        sameContext("copyDtoH", src);
        context.ensureCurrent();
        driver.check(DriverApi.MEMCPY_DTOH_ASYNC, api.memcpyDtoHAsync(dst, src.address() + srcOffset, bytes, live()), bytes + " bytes");
    }

    /** Copies {@code bytes} between device buffers. */
    public void copyDtoD(DeviceBuffer dst, long dstOff, DeviceBuffer src, long srcOff, long bytes) {
        dst.checkRange("copyDtoD destination", dstOff, bytes);
        src.checkRange("copyDtoD source", srcOff, bytes);
        sameContext("copyDtoD", dst);
        sameContext("copyDtoD", src);
        context.ensureCurrent();
        driver.check(DriverApi.MEMCPY_DTOD_ASYNC, api.memcpyDtoDAsync(dst.address() + dstOff, src.address() + srcOff, bytes, live()),
                bytes + " bytes");
    }

    /** Sets {@code count} 32-bit words from {@code off} (a multiple of 4) to {@code value}. */
    public void memsetD32(DeviceBuffer buf, long off, int value, long count) {
        if (off % 4 != 0) {
            throw new IllegalArgumentException("memsetD32: offset " + off + " is not a multiple of 4");
        }
        if (count < 0 || count > Long.MAX_VALUE / 4) {
            throw new IllegalArgumentException("memsetD32: bad word count " + count);
        }
        buf.checkRange("memsetD32", off, 4 * count);
        sameContext("memsetD32", buf);
        context.ensureCurrent();
        driver.check(DriverApi.MEMSET_D32_ASYNC, api.memsetD32Async(buf.address() + off, value, count, live()));
    }

    /** Records {@code e} at this point of the stream. */
    public void record(CudaEvent e) {
        context.ensureCurrent();
        driver.check(DriverApi.EVENT_RECORD, api.eventRecord(e.live(), live()));
    }

    /** Waits until all work enqueued so far has completed. */
    public void synchronize() {
        context.ensureCurrent();
        driver.check(DriverApi.STREAM_SYNCHRONIZE, api.streamSynchronize(live()));
    }

    /**
     * Starts capturing this stream's work into a graph instead of running it (cuStreamBeginCapture_v2).
     *
     * <p>Mode {@code CU_STREAM_CAPTURE_MODE_THREAD_LOCAL}: while this thread captures, the driver refuses on
     * this thread the calls that are unsafe during capture (a synchronous cuMemAlloc, a synchronize), so a
     * mistake in the captured code fails loudly at capture; other threads (another engine, a CPU session)
     * are not affected as they would be by the global mode, and nothing is silently allowed as with the
     * relaxed mode. {@link #endCapture()} must be called on the same thread.
     */
    public synchronized void beginCapture() {
        if (capturing) {
            throw new IllegalStateException("stream is already capturing");
        }
        context.ensureCurrent();
        driver.check(DriverApi.STREAM_BEGIN_CAPTURE, api.streamBeginCapture(live(), DriverApi.CAPTURE_MODE_THREAD_LOCAL));
        capturing = true;
    }

    /** Ends the capture begun by {@link #beginCapture()} and returns the captured work. */
    public synchronized CudaGraph endCapture() {
        if (!capturing) {
            throw new IllegalStateException("stream is not capturing (call beginCapture first)");
        }
        context.ensureCurrent();
        capturing = false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            driver.check(DriverApi.STREAM_END_CAPTURE, api.streamEndCapture(live(), out));
            return context.adopt(new CudaGraph(context, out.get(ValueLayout.ADDRESS, 0)));
        }
    }

    /** The context this stream belongs to. */
    public CudaContext context() {
        return context;
    }

    @Override
    String what() {
        return "CUDA stream";
    }

    /** Destroys the stream (work already enqueued still completes). */
    @Override
    void release() {
        arena.close();
        check(DriverApi.STREAM_DESTROY, api.streamDestroy(handle));
    }

    MemorySegment live() {
        checkLive();
        return handle;
    }

    private void sameContext(String what, DeviceBuffer b) {
        if (b.context != context) {
            throw new IllegalArgumentException(what + ": the device buffer belongs to another CUDA context");
        }
    }

    private static void checkHost(String what, MemorySegment host, long bytes) {
        if (!host.isNative()) {
            throw new IllegalArgumentException(what + ": a heap segment cannot be copied asynchronously; use native memory "
                    + "(a PinnedBuffer or an Arena allocation)");
        }
        if (bytes < 0 || bytes > host.byteSize()) {
            throw new IndexOutOfBoundsException(what + ": " + bytes + " bytes but the host segment has " + host.byteSize());
        }
    }
}
