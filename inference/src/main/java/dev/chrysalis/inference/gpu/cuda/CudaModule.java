package dev.chrysalis.inference.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A PTX module loaded into a context; its kernels by name. */
public final class CudaModule extends ContextResource {

    private final MemorySegment handle;
    private final Map<String, PtxModules.PtxEntry> entries;

    CudaModule(CudaContext context, MemorySegment handle, List<PtxModules.PtxEntry> entries) {
        super(context);
        this.handle = handle;
        this.entries = entries.stream().collect(Collectors.toUnmodifiableMap(PtxModules.PtxEntry::name, Function.identity(), (a, b) -> a));
    }

    /** The kernels the PTX declares. */
    public List<PtxModules.PtxEntry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * The kernel {@code name}.
     *
     * @throws IllegalArgumentException naming the kernel when the module has no such entry
     */
    public CudaFunction function(String name) {
        PtxModules.PtxEntry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("kernel '" + name + "' is not in the PTX module (it has " + entries.size() + " kernels"
                    + (entries.isEmpty() ? "" : ", e.g. " + entries.keySet().stream().sorted().limit(8).collect(Collectors.joining(", "))) + ")");
        }
        return lookup(entry);
    }

    /**
     * The contract kernel {@code kernel}, checked against the contract's parameter count.
     *
     * @throws IllegalArgumentException when the module lacks it or declares another number of parameters
     */
    public CudaFunction function(CudaKernels.Kernel kernel) {
        CudaFunction f = function(kernel.name());
        if (f.params() != kernel.params()) {
            throw new IllegalArgumentException("kernel '" + kernel.name() + "' has " + f.params() + " parameters in the PTX but "
                    + kernel.params() + " in the contract (KERNELS.md)");
        }
        return f;
    }

    private synchronized CudaFunction lookup(PtxModules.PtxEntry entry) {
        checkLive();
        context.ensureCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ValueLayout.ADDRESS);
            context.driver().check(DriverApi.MODULE_GET_FUNCTION, api().moduleGetFunction(out, handle, a.allocateFrom(entry.name())),
                    "kernel '" + entry.name() + "'");
            return new CudaFunction(entry.name(), out.get(ValueLayout.ADDRESS, 0), entry.paramTypes());
        }
    }

    @Override
    String what() {
        return "PTX module";
    }

    /** Unloads the module (cuModuleUnload); its functions must not be launched after. */
    @Override
    void release() {
        check(DriverApi.MODULE_UNLOAD, api().moduleUnload(handle));
    }
}
