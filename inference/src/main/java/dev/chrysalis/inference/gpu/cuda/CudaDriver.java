package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The CUDA driver API ({@code libcuda.so.1}) bound through the FFM API. {@link #load()} finds the library,
 * binds every function the bindings use and calls {@code cuInit(0)}; {@link #probe()} does the same but
 * reports instead of throwing, so callers can fall back to the CPU with the one-line reason.
 *
 * <p>Every driver call's {@code CUresult} is checked: an error becomes a {@link CudaException} that names the
 * driver symbol and the driver's own name and description of the error.
 *
 * <p>Contexts are bound to threads by the driver: see {@link CudaContext}.
 */
public final class CudaDriver {

    /** The driver library's soname. */
    public static final String LIBRARY = "libcuda.so.1";

    /** System property naming another driver library (a path or soname) to load instead of {@link #LIBRARY}. */
    public static final String LIBRARY_PROPERTY = "chrysalis.cuda.library";

    private static final int NAME_BYTES = 256;

    private final DriverApi api;
    private final String library;
    private final int version;

    private CudaDriver(DriverApi api, String library, int version) {
        this.api = api;
        this.library = library;
        this.version = version;
    }

    /**
     * Loads {@code libcuda.so.1} (or the library the system property {@value #LIBRARY_PROPERTY} names) and
     * initialises the driver.
     *
     * @throws CudaUnavailableException with a one-line reason when there is no driver or no GPU
     */
    public static CudaDriver load() {
        return load(systemLibrary());
    }

    /**
     * Loads the driver from {@code library} (a soname the dynamic linker finds, or a path).
     *
     * @throws CudaUnavailableException with a one-line reason when it is missing, is not a CUDA driver, or
     *                                  finds no GPU
     */
    public static CudaDriver load(String library) {
        Objects.requireNonNull(library, "library");
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new CudaUnavailableException("no CUDA driver: " + library + " not found", e);
        } catch (IllegalCallerException e) {
            throw new CudaUnavailableException("no CUDA driver: native access is disabled (run the JVM with "
                    + "--enable-native-access=ALL-UNNAMED)", e);
        }
        DriverApi api = new DriverApi(lookup, library);
        int rc = api.init(0);
        if (rc != DriverApi.SUCCESS) {
            String name = errorName(api, rc);
            if (rc == DriverApi.ERROR_NO_DEVICE) {
                throw new CudaUnavailableException("CUDA driver found but no GPU (cuInit: " + name + ")");
            }
            throw new CudaUnavailableException("CUDA driver found but it failed to start (cuInit: " + name + ", "
                    + errorString(api, rc) + ")");
        }
        int version;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            version = api.driverGetVersion(v) == DriverApi.SUCCESS ? v.get(ValueLayout.JAVA_INT, 0) : 0;
        }
        return new CudaDriver(api, library, version);
    }

    /** What the driver offers, never throwing: unavailable with the reason, or the devices found. */
    public static CudaProbe probe() {
        return probe(systemLibrary());
    }

    private static String systemLibrary() {
        String lib = System.getProperty(LIBRARY_PROPERTY, "").strip();
        return lib.isEmpty() ? LIBRARY : lib;
    }

    /** {@link #probe()} of the driver at {@code library}. */
    public static CudaProbe probe(String library) {
        CudaDriver d;
        try {
            d = load(library);
        } catch (CudaUnavailableException e) {
            return CudaProbe.unavailable(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return CudaProbe.unavailable("CUDA driver " + library + " could not be bound: " + e);
        }
        try {
            int n = d.deviceCount();
            if (n == 0) {
                return CudaProbe.unavailable("CUDA driver found but no GPU (0 devices)");
            }
            List<CudaDevice> devices = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                devices.add(d.device(i));
            }
            return new CudaProbe(true, "CUDA driver " + d.versionString() + ", " + n + " GPU" + (n == 1 ? "" : "s") + ": "
                    + String.join("; ", devices.stream().map(CudaDevice::describe).toList()), devices);
        } catch (CudaException e) {
            return CudaProbe.unavailable("CUDA driver found but listing its devices failed: " + e.getMessage());
        }
    }

    /** The library this driver was loaded from. */
    public String library() {
        return library;
    }

    /** The driver's CUDA version as "12.8" (cuDriverGetVersion), or "unknown". */
    public String versionString() {
        return version == 0 ? "unknown" : (version / 1000) + "." + (version % 1000) / 10;
    }

    /** Number of GPUs. */
    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
            check(DriverApi.DEVICE_GET_COUNT, api.deviceGetCount(n));
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /**
     * The GPU with this ordinal.
     *
     * @throws IllegalArgumentException when there is no such ordinal
     */
    public CudaDevice device(int ordinal) {
        int count = deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("no GPU " + ordinal + ": the driver reports " + count);
        }
        try (Arena a = Arena.ofConfined()) {
            int dev = handle(ordinal);
            MemorySegment name = a.allocate(NAME_BYTES);
            check(DriverApi.DEVICE_GET_NAME, api.deviceGetName(name, NAME_BYTES, dev));
            MemorySegment total = a.allocate(ValueLayout.JAVA_LONG);
            check(DriverApi.DEVICE_TOTAL_MEM, api.deviceTotalMem(total, dev));
            return new CudaDevice(ordinal, name.getString(0), attribute(dev, DriverApi.ATTR_COMPUTE_CAPABILITY_MAJOR),
                    attribute(dev, DriverApi.ATTR_COMPUTE_CAPABILITY_MINOR), total.get(ValueLayout.JAVA_LONG, 0),
                    attribute(dev, DriverApi.ATTR_MULTIPROCESSOR_COUNT), optionalAttribute(dev, DriverApi.ATTR_MEMORY_CLOCK_RATE),
                    optionalAttribute(dev, DriverApi.ATTR_GLOBAL_MEMORY_BUS_WIDTH));
        }
    }

    /**
     * A context on the GPU with this ordinal (the device's primary context, retained; made current on the
     * calling thread). Close it to free what it created and release the context.
     */
    public CudaContext createContext(int ordinal) {
        CudaDevice device = device(ordinal);
        int dev = handle(ordinal);
        MemorySegment ctx;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            check(DriverApi.PRIMARY_CTX_RETAIN, api.primaryCtxRetain(out, dev));
            ctx = out.get(ValueLayout.ADDRESS, 0);
        }
        CudaContext context = new CudaContext(this, device, dev, ctx);
        context.makeCurrent();
        return context;
    }

    DriverApi api() {
        return api;
    }

    private int handle(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
            check(DriverApi.DEVICE_GET, api.deviceGet(out, ordinal));
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private int attribute(int dev, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
            check(DriverApi.DEVICE_GET_ATTRIBUTE, api.deviceGetAttribute(out, attribute, dev), "attribute " + attribute);
            return out.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Memory clock and bus width are deprecated attributes some drivers stop reporting: 0 then. */
    private int optionalAttribute(int dev, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
            return api.deviceGetAttribute(out, attribute, dev) == DriverApi.SUCCESS ? out.get(ValueLayout.JAVA_INT, 0) : 0;
        }
    }

    /** Throws a {@link CudaException} for {@code function} unless {@code result} is CUDA_SUCCESS. */
    void check(String function, int result) {
        if (result != DriverApi.SUCCESS) {
            throw error(function, result, "");
        }
    }

    /** As {@link #check(String, int)}, the exception also saying what the call was doing. */
    void check(String function, int result, String detail) {
        if (result != DriverApi.SUCCESS) {
            throw error(function, result, detail);
        }
    }

    CudaException error(String function, int result, String detail) {
        return new CudaException(function, result, errorName(api, result), errorString(api, result), detail);
    }

    private static String errorName(DriverApi api, int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            if (api.getErrorName(code, out) == DriverApi.SUCCESS && !out.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                return out.get(ValueLayout.ADDRESS, 0).reinterpret(NAME_BYTES).getString(0);
            }
        }
        return String.format(Locale.ROOT, "CUresult %d", code);
    }

    private static String errorString(DriverApi api, int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            if (api.getErrorString(code, out) == DriverApi.SUCCESS && !out.get(ValueLayout.ADDRESS, 0).equals(MemorySegment.NULL)) {
                return out.get(ValueLayout.ADDRESS, 0).reinterpret(1024).getString(0);
            }
        }
        return "unknown error";
    }
}
