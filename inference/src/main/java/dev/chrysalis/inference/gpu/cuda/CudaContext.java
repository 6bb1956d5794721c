package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A CUDA context on one GPU (the device's primary context, retained for the life of this object) and
 * everything created in it: device and pinned buffers, modules, streams, events, graphs.
 * {@link #close()} frees what is still open, newest first, then releases the context.
 *
 * <p><b>Threads.</b> The driver keeps a current context per thread, and allocation, module loading and
 * stream or event creation act on the calling thread's current context. Every call into a context from a
 * thread other than the one that created it needs {@link #makeCurrent()} first. The wrappers here do it
 * themselves for the calls that create or free something and for the stream operations (each checks a
 * thread-local first, so it costs a driver call only when the thread's context changes, or on every call
 * from a virtual thread, whose carrier can change between calls); code that calls
 * the driver by other means must call {@link #makeCurrent()} itself. A stream, graph or buffer may be used
 * from any thread, one thread at a time.
 */
public final class CudaContext implements AutoCloseable {

    /**
     * The context these bindings last made current on each thread. It mirrors the driver's own per-thread
     * binding, which is process-wide, so it is shared by every {@link CudaDriver} instance; it holds the
     * Java object (not the handle) because a device's primary context can be destroyed and created again
     * at the same address.
     */
    private static final ThreadLocal<CudaContext> CURRENT = new ThreadLocal<>();

    private final CudaDriver driver;
    private final DriverApi api;
    private final CudaDevice device;
    private final int deviceHandle;
    private final MemorySegment handle;
    private final Set<AutoCloseable> owned = new LinkedHashSet<>();
    private volatile boolean closed;

    CudaContext(CudaDriver driver, CudaDevice device, int deviceHandle, MemorySegment handle) {
        this.driver = driver;
        this.api = driver.api();
        this.device = device;
        this.deviceHandle = deviceHandle;
        this.handle = handle;
    }

    /** The GPU of this context. */
    public CudaDevice device() {
        return device;
    }

    /** Binds this context to the calling thread (cuCtxSetCurrent). */
    public void makeCurrent() {
        ensureOpen();
        driver.check(DriverApi.CTX_SET_CURRENT, api.ctxSetCurrent(handle));
        CURRENT.set(this);
    }

    /**
     * Makes this context current unless these bindings already made it current on this thread. A virtual
     * thread always binds: the driver's binding belongs to the carrier, and the thread may have resumed on
     * another one since. No park point lies between this and the driver call that follows, so the thread
     * cannot move in between.
     */
    void ensureCurrent() {
        if (Thread.currentThread().isVirtual() || CURRENT.get() != this) {
            makeCurrent();
        } else {
            ensureOpen();
        }
    }

    /**
     * Loads a PTX module (JIT-compiled by the driver for this GPU).
     *
     * @throws CudaException whose message carries the JIT's error log when the PTX does not compile
     */
    public CudaModule loadModule(String ptxText) {
        ensureCurrent();
        List<PtxModules.PtxEntry> entries = PtxModules.entries(ptxText);
        int logBytes = 16 * 1024;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment image = a.allocateFrom(ptxText);
            MemorySegment errorLog = a.allocate(logBytes);
            MemorySegment infoLog = a.allocate(logBytes);
            MemorySegment options = a.allocateFrom(ValueLayout.JAVA_INT, DriverApi.JIT_ERROR_LOG_BUFFER,
                    DriverApi.JIT_ERROR_LOG_BUFFER_SIZE_BYTES, DriverApi.JIT_INFO_LOG_BUFFER, DriverApi.JIT_INFO_LOG_BUFFER_SIZE_BYTES);
            // option values are void*: buffers by address, sizes as integers stored in the pointer slot
            MemorySegment values = a.allocate(ValueLayout.ADDRESS, 4);
            values.setAtIndex(ValueLayout.ADDRESS, 0, errorLog);
            values.setAtIndex(ValueLayout.JAVA_LONG, 1, logBytes);
            values.setAtIndex(ValueLayout.ADDRESS, 2, infoLog);
            values.setAtIndex(ValueLayout.JAVA_LONG, 3, logBytes);
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            int rc = api.moduleLoadDataEx(out, image, 4, options, values);
            if (rc != DriverApi.SUCCESS) {
                String log = errorLog.getString(0).strip();
                throw driver.error(DriverApi.MODULE_LOAD_DATA_EX, rc,
                        "PTX " + PtxModules.target(ptxText) + " (" + entries.size() + " kernels)"
                                + (log.isEmpty() ? "" : ": " + log.replace('\n', ' ')));
            }
            return register(new CudaModule(this, out.get(ValueLayout.ADDRESS, 0), entries));
        }
    }

    /** Device memory of {@code bytes} (cuMemAlloc; 256-byte aligned by the driver). */
    public DeviceBuffer alloc(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device allocation needs a positive size, was " + bytes);
        }
        ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_LONG);
            driver.check(DriverApi.MEM_ALLOC, api.memAlloc(out, bytes), bytes + " bytes on " + device.describe());
            return register(new DeviceBuffer(this, out.get(ValueLayout.JAVA_LONG, 0), bytes));
        }
    }

    /** Page-locked host memory of {@code bytes} (cuMemHostAlloc): the fast, truly asynchronous copy partner. */
    public PinnedBuffer allocHost(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("pinned allocation needs a positive size, was " + bytes);
        }
        ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            driver.check(DriverApi.MEM_HOST_ALLOC, api.memHostAlloc(out, bytes, 0), bytes + " bytes");
            return register(new PinnedBuffer(this, out.get(ValueLayout.ADDRESS, 0), bytes));
        }
    }

    /** A new stream that does not synchronise with the legacy default stream. */
    public CudaStream createStream() {
        ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            driver.check(DriverApi.STREAM_CREATE, api.streamCreate(out, DriverApi.STREAM_NON_BLOCKING));
            return register(new CudaStream(this, out.get(ValueLayout.ADDRESS, 0)));
        }
    }

    /** A new event that records timing. */
    public CudaEvent createEvent() {
        ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            driver.check(DriverApi.EVENT_CREATE, api.eventCreate(out, DriverApi.EVENT_DEFAULT));
            return register(new CudaEvent(this, out.get(ValueLayout.ADDRESS, 0)));
        }
    }

    /** Free device memory in bytes (cuMemGetInfo). */
    public long freeMemory() {
        ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = a.allocate(ValueLayout.JAVA_LONG);
            driver.check(DriverApi.MEM_GET_INFO, api.memGetInfo(free, total));
            return free.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Waits for all work in this context (cuCtxSynchronize). */
    public void synchronize() {
        ensureCurrent();
        driver.check(DriverApi.CTX_SYNCHRONIZE, api.ctxSynchronize());
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /** Frees everything this context created that is still open, then releases the context. Idempotent. */
    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (owned) {
            if (closed) {
                return;
            }
            open = new ArrayList<>(owned);
        }
        makeCurrent();
        RuntimeException first = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        synchronized (owned) {
            closed = true;
            owned.clear();
        }
        CURRENT.remove();
        int rc = api.primaryCtxRelease(deviceHandle);
        if (first != null) {
            throw first;
        }
        driver.check(DriverApi.PRIMARY_CTX_RELEASE, rc);
    }

    /** Tracks a resource made by another resource of this context (a graph's exec, a stream's graph). */
    <T extends AutoCloseable> T adopt(T resource) {
        return register(resource);
    }

    private <T extends AutoCloseable> T register(T resource) {
        synchronized (owned) {
            owned.add(resource);
        }
        return resource;
    }

    /** Called by a resource once it is freed. */
    void forget(AutoCloseable resource) {
        synchronized (owned) {
            owned.remove(resource);
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("CUDA context on " + device.describe() + " is closed");
        }
    }

    CudaDriver driver() {
        return driver;
    }

    DriverApi api() {
        return api;
    }
}
