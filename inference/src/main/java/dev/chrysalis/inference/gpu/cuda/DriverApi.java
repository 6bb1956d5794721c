package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver functions bound as downcall handles, one typed Java method per driver function, each
 * returning the raw {@code CUresult}. Symbol names are the ones {@code cuda.h} #defines the API names to
 * ({@code cuMemAlloc} is exported as {@code cuMemAlloc_v2}); the constants name them for error messages.
 *
 * <p>C types: {@code CUdevice} and enums are {@code int}, {@code CUdeviceptr} and {@code size_t} are 64-bit,
 * handles ({@code CUcontext}, {@code CUstream}, ...) are pointers.
 */
final class DriverApi {

    static final String INIT = "cuInit";
    static final String DRIVER_GET_VERSION = "cuDriverGetVersion";
    static final String DEVICE_GET_COUNT = "cuDeviceGetCount";
    static final String DEVICE_GET = "cuDeviceGet";
    static final String DEVICE_GET_NAME = "cuDeviceGetName";
    static final String DEVICE_GET_ATTRIBUTE = "cuDeviceGetAttribute";
    static final String DEVICE_TOTAL_MEM = "cuDeviceTotalMem_v2";
    static final String PRIMARY_CTX_RETAIN = "cuDevicePrimaryCtxRetain";
    static final String PRIMARY_CTX_RELEASE = "cuDevicePrimaryCtxRelease_v2";
    static final String CTX_SET_CURRENT = "cuCtxSetCurrent";
    static final String CTX_SYNCHRONIZE = "cuCtxSynchronize";
    static final String MODULE_LOAD_DATA_EX = "cuModuleLoadDataEx";
    static final String MODULE_UNLOAD = "cuModuleUnload";
    static final String MODULE_GET_FUNCTION = "cuModuleGetFunction";
    static final String MEM_GET_INFO = "cuMemGetInfo_v2";
    static final String MEM_ALLOC = "cuMemAlloc_v2";
    static final String MEM_FREE = "cuMemFree_v2";
    static final String MEM_HOST_ALLOC = "cuMemHostAlloc";
    static final String MEM_FREE_HOST = "cuMemFreeHost";
    static final String MEMCPY_HTOD_ASYNC = "cuMemcpyHtoDAsync_v2";
    static final String MEMCPY_DTOH_ASYNC = "cuMemcpyDtoHAsync_v2";
    static final String MEMCPY_DTOD_ASYNC = "cuMemcpyDtoDAsync_v2";
    static final String MEMSET_D32_ASYNC = "cuMemsetD32Async";
    static final String STREAM_CREATE = "cuStreamCreate";
    static final String STREAM_DESTROY = "cuStreamDestroy_v2";
    static final String STREAM_SYNCHRONIZE = "cuStreamSynchronize";
    static final String STREAM_BEGIN_CAPTURE = "cuStreamBeginCapture_v2";
    static final String STREAM_END_CAPTURE = "cuStreamEndCapture";
    static final String GRAPH_INSTANTIATE = "cuGraphInstantiateWithFlags";
    static final String GRAPH_LAUNCH = "cuGraphLaunch";
    static final String GRAPH_EXEC_DESTROY = "cuGraphExecDestroy";
    static final String GRAPH_DESTROY = "cuGraphDestroy";
    static final String EVENT_CREATE = "cuEventCreate";
    static final String EVENT_RECORD = "cuEventRecord";
    static final String EVENT_SYNCHRONIZE = "cuEventSynchronize";
    static final String EVENT_DESTROY = "cuEventDestroy_v2";
    static final String LAUNCH_KERNEL = "cuLaunchKernel";

    // CUdevice_attribute values (cuda.h)
    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    static final int ATTR_MEMORY_CLOCK_RATE = 36;
    static final int ATTR_GLOBAL_MEMORY_BUS_WIDTH = 37;
    static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    // CUjit_option values
    static final int JIT_INFO_LOG_BUFFER = 3;
    static final int JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    static final int JIT_ERROR_LOG_BUFFER = 5;
    static final int JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    // CUstreamCaptureMode
    static final int CAPTURE_MODE_THREAD_LOCAL = 1;
    // flags
    static final int STREAM_NON_BLOCKING = 0x1;
    static final int EVENT_DEFAULT = 0x0;
    // CUresult values the Java side tells apart
    static final int SUCCESS = 0;
    static final int ERROR_NO_DEVICE = 100;
    static final int ERROR_NOT_FOUND = 500;

    private final MethodHandle getErrorName;
    private final MethodHandle getErrorString;
    private final MethodHandle init;
    private final MethodHandle driverGetVersion;
    private final MethodHandle deviceGetCount;
    private final MethodHandle deviceGet;
    private final MethodHandle deviceGetName;
    private final MethodHandle deviceGetAttribute;
    private final MethodHandle deviceTotalMem;
    private final MethodHandle primaryCtxRetain;
    private final MethodHandle primaryCtxRelease;
    private final MethodHandle ctxSetCurrent;
    private final MethodHandle ctxSynchronize;
    private final MethodHandle moduleLoadDataEx;
    private final MethodHandle moduleUnload;
    private final MethodHandle moduleGetFunction;
    private final MethodHandle memGetInfo;
    private final MethodHandle memAlloc;
    private final MethodHandle memFree;
    private final MethodHandle memHostAlloc;
    private final MethodHandle memFreeHost;
    private final MethodHandle memcpyHtoDAsync;
    private final MethodHandle memcpyDtoHAsync;
    private final MethodHandle memcpyDtoDAsync;
    private final MethodHandle memsetD32Async;
    private final MethodHandle streamCreate;
    private final MethodHandle streamDestroy;
    private final MethodHandle streamSynchronize;
    private final MethodHandle streamBeginCapture;
    private final MethodHandle streamEndCapture;
    private final MethodHandle graphInstantiate;
    private final MethodHandle graphLaunch;
    private final MethodHandle graphExecDestroy;
    private final MethodHandle graphDestroy;
    private final MethodHandle eventCreate;
    private final MethodHandle eventRecord;
    private final MethodHandle eventSynchronize;
    private final MethodHandle eventDestroy;
    private final MethodHandle eventElapsedTime;
    private final MethodHandle launchKernel;
    /** cuEventElapsedTime_v2 on CUDA 12.8+ drivers, the original symbol on older ones. */
    final String eventElapsedTimeName;

    private final Linker linker = Linker.nativeLinker();
    private final SymbolLookup lib;
    private final String library;

    /**
     * Binds every function the bindings use.
     *
     * @throws CudaUnavailableException naming the first symbol the library lacks
     */
    DriverApi(SymbolLookup lib, String library) {
        this.lib = lib;
        this.library = library;
        FunctionDescriptor intResult = FunctionDescriptor.of(JAVA_INT);
        init = bind(INIT, intResult.appendArgumentLayouts(JAVA_INT));
        getErrorName = bind("cuGetErrorName", intResult.appendArgumentLayouts(JAVA_INT, ADDRESS));
        getErrorString = bind("cuGetErrorString", intResult.appendArgumentLayouts(JAVA_INT, ADDRESS));
        driverGetVersion = bind(DRIVER_GET_VERSION, intResult.appendArgumentLayouts(ADDRESS));
        deviceGetCount = bind(DEVICE_GET_COUNT, intResult.appendArgumentLayouts(ADDRESS));
        deviceGet = bind(DEVICE_GET, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT));
        deviceGetName = bind(DEVICE_GET_NAME, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT, JAVA_INT));
        deviceGetAttribute = bind(DEVICE_GET_ATTRIBUTE, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT, JAVA_INT));
        deviceTotalMem = bind(DEVICE_TOTAL_MEM, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT));
        primaryCtxRetain = bind(PRIMARY_CTX_RETAIN, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT));
        primaryCtxRelease = bind(PRIMARY_CTX_RELEASE, intResult.appendArgumentLayouts(JAVA_INT));
        ctxSetCurrent = bind(CTX_SET_CURRENT, intResult.appendArgumentLayouts(ADDRESS));
        ctxSynchronize = bind(CTX_SYNCHRONIZE, intResult);
        moduleLoadDataEx = bind(MODULE_LOAD_DATA_EX, intResult.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        moduleUnload = bind(MODULE_UNLOAD, intResult.appendArgumentLayouts(ADDRESS));
        moduleGetFunction = bind(MODULE_GET_FUNCTION, intResult.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS));
        memGetInfo = bind(MEM_GET_INFO, intResult.appendArgumentLayouts(ADDRESS, ADDRESS));
        memAlloc = bind(MEM_ALLOC, intResult.appendArgumentLayouts(ADDRESS, JAVA_LONG));
        memFree = bind(MEM_FREE, intResult.appendArgumentLayouts(JAVA_LONG));
        memHostAlloc = bind(MEM_HOST_ALLOC, intResult.appendArgumentLayouts(ADDRESS, JAVA_LONG, JAVA_INT));
        memFreeHost = bind(MEM_FREE_HOST, intResult.appendArgumentLayouts(ADDRESS));
        memcpyHtoDAsync = bind(MEMCPY_HTOD_ASYNC, intResult.appendArgumentLayouts(JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        memcpyDtoHAsync = bind(MEMCPY_DTOH_ASYNC, intResult.appendArgumentLayouts(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        memcpyDtoDAsync = bind(MEMCPY_DTOD_ASYNC, intResult.appendArgumentLayouts(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        memsetD32Async = bind(MEMSET_D32_ASYNC, intResult.appendArgumentLayouts(JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        streamCreate = bind(STREAM_CREATE, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT));
        streamDestroy = bind(STREAM_DESTROY, intResult.appendArgumentLayouts(ADDRESS));
        streamSynchronize = bind(STREAM_SYNCHRONIZE, intResult.appendArgumentLayouts(ADDRESS));
        streamBeginCapture = bind(STREAM_BEGIN_CAPTURE, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT));
        streamEndCapture = bind(STREAM_END_CAPTURE, intResult.appendArgumentLayouts(ADDRESS, ADDRESS));
        graphInstantiate = bind(GRAPH_INSTANTIATE, intResult.appendArgumentLayouts(ADDRESS, ADDRESS, JAVA_LONG));
        graphLaunch = bind(GRAPH_LAUNCH, intResult.appendArgumentLayouts(ADDRESS, ADDRESS));
        graphExecDestroy = bind(GRAPH_EXEC_DESTROY, intResult.appendArgumentLayouts(ADDRESS));
        graphDestroy = bind(GRAPH_DESTROY, intResult.appendArgumentLayouts(ADDRESS));
        eventCreate = bind(EVENT_CREATE, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT));
        eventRecord = bind(EVENT_RECORD, intResult.appendArgumentLayouts(ADDRESS, ADDRESS));
        eventSynchronize = bind(EVENT_SYNCHRONIZE, intResult.appendArgumentLayouts(ADDRESS));
        eventDestroy = bind(EVENT_DESTROY, intResult.appendArgumentLayouts(ADDRESS));
        eventElapsedTimeName = lib.find("cuEventElapsedTime_v2").isPresent() ? "cuEventElapsedTime_v2" : "cuEventElapsedTime";
        eventElapsedTime = bind(eventElapsedTimeName, intResult.appendArgumentLayouts(ADDRESS, ADDRESS, ADDRESS));
        launchKernel = bind(LAUNCH_KERNEL, intResult.appendArgumentLayouts(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    private MethodHandle bind(String symbol, FunctionDescriptor fd) {
        Optional<MemorySegment> address = lib.find(symbol);
        if (address.isEmpty()) {
            throw new CudaUnavailableException(library + " is not a usable CUDA driver: it has no " + symbol
                    + (symbol.equals(INIT) ? "" : " (driver too old?)"));
        }
        return linker.downcallHandle(address.get(), fd);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("CUDA downcall failed", t);
    }

    int getErrorName(int code, MemorySegment out) {
        try {
            return (int) getErrorName.invokeExact(code, out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int getErrorString(int code, MemorySegment out) {
        try {
            return (int) getErrorString.invokeExact(code, out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int init(int flags) {
        try {
            return (int) init.invokeExact(flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int driverGetVersion(MemorySegment out) {
        try {
            return (int) driverGetVersion.invokeExact(out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGetCount(MemorySegment out) {
        try {
            return (int) deviceGetCount.invokeExact(out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGet(MemorySegment out, int ordinal) {
        try {
            return (int) deviceGet.invokeExact(out, ordinal);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGetName(MemorySegment buf, int len, int device) {
        try {
            return (int) deviceGetName.invokeExact(buf, len, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceGetAttribute(MemorySegment out, int attribute, int device) {
        try {
            return (int) deviceGetAttribute.invokeExact(out, attribute, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceTotalMem(MemorySegment out, int device) {
        try {
            return (int) deviceTotalMem.invokeExact(out, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int primaryCtxRetain(MemorySegment out, int device) {
        try {
            return (int) primaryCtxRetain.invokeExact(out, device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int primaryCtxRelease(int device) {
        try {
            return (int) primaryCtxRelease.invokeExact(device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int ctxSetCurrent(MemorySegment ctx) {
        try {
            return (int) ctxSetCurrent.invokeExact(ctx);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int ctxSynchronize() {
        try {
            return (int) ctxSynchronize.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int moduleLoadDataEx(MemorySegment out, MemorySegment image, int n, MemorySegment options, MemorySegment values) {
        try {
            return (int) moduleLoadDataEx.invokeExact(out, image, n, options, values);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int moduleUnload(MemorySegment module) {
        try {
            return (int) moduleUnload.invokeExact(module);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int moduleGetFunction(MemorySegment out, MemorySegment module, MemorySegment name) {
        try {
            return (int) moduleGetFunction.invokeExact(out, module, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memGetInfo(MemorySegment free, MemorySegment total) {
        try {
            return (int) memGetInfo.invokeExact(free, total);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memAlloc(MemorySegment out, long bytes) {
        try {
            return (int) memAlloc.invokeExact(out, bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memFree(long ptr) {
        try {
            return (int) memFree.invokeExact(ptr);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memHostAlloc(MemorySegment out, long bytes, int flags) {
        try {
            return (int) memHostAlloc.invokeExact(out, bytes, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memFreeHost(MemorySegment p) {
        try {
            return (int) memFreeHost.invokeExact(p);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try {
            return (int) memcpyHtoDAsync.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try {
            return (int) memcpyDtoHAsync.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try {
            return (int) memcpyDtoDAsync.invokeExact(dst, src, bytes, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int memsetD32Async(long dst, int value, long count, MemorySegment stream) {
        try {
            return (int) memsetD32Async.invokeExact(dst, value, count, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int streamCreate(MemorySegment out, int flags) {
        try {
            return (int) streamCreate.invokeExact(out, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int streamDestroy(MemorySegment stream) {
        try {
            return (int) streamDestroy.invokeExact(stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int streamSynchronize(MemorySegment stream) {
        try {
            return (int) streamSynchronize.invokeExact(stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int streamBeginCapture(MemorySegment stream, int mode) {
        try {
            return (int) streamBeginCapture.invokeExact(stream, mode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int streamEndCapture(MemorySegment stream, MemorySegment graphOut) {
        try {
            return (int) streamEndCapture.invokeExact(stream, graphOut);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int graphInstantiate(MemorySegment execOut, MemorySegment graph, long flags) {
        try {
            return (int) graphInstantiate.invokeExact(execOut, graph, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int graphLaunch(MemorySegment exec, MemorySegment stream) {
        try {
            return (int) graphLaunch.invokeExact(exec, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int graphExecDestroy(MemorySegment exec) {
        try {
            return (int) graphExecDestroy.invokeExact(exec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int graphDestroy(MemorySegment graph) {
        try {
            return (int) graphDestroy.invokeExact(graph);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventCreate(MemorySegment out, int flags) {
        try {
            return (int) eventCreate.invokeExact(out, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventRecord(MemorySegment event, MemorySegment stream) {
        try {
            return (int) eventRecord.invokeExact(event, stream);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventSynchronize(MemorySegment event) {
        try {
            return (int) eventSynchronize.invokeExact(event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventDestroy(MemorySegment event) {
        try {
            return (int) eventDestroy.invokeExact(event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int eventElapsedTime(MemorySegment msOut, MemorySegment start, MemorySegment end) {
        try {
            return (int) eventElapsedTime.invokeExact(msOut, start, end);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int launchKernel(MemorySegment f, int gx, int gy, int gz, int bx, int by, int bz, int shared, MemorySegment stream,
                     MemorySegment params, MemorySegment extra) {
        try {
            return (int) launchKernel.invokeExact(f, gx, gy, gz, bx, by, bz, shared, stream, params, extra);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
