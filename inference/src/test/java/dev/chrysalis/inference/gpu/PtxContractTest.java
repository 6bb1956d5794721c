package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaKernels;
import dev.chrysalis.inference.gpu.cuda.PtxModules;
import dev.chrysalis.inference.gpu.cuda.PtxModules.PtxEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PTX the build puts on the class path is well formed and holds every kernel the Java side launches
 * with the parameter count of the contract (KERNELS.md), with pointers as 64-bit parameters. Runs without
 * a GPU: this is the CPU-side check of the kernels' build.
 */
class PtxContractTest {

    @ParameterizedTest
    @ValueSource(ints = {80, 90})
    void thePtxOnTheClassPathIsWellFormedForItsTarget(int sm) {
        String ptx = PtxModules.read(PtxModules.resourceName(sm));
        assertTrue(ptx.length() > 10_000, "PTX of a few kernels at least: " + ptx.length() + " chars");
        assertEquals("sm_" + sm, PtxModules.target(ptx));
        assertEquals(64, PtxModules.addressSize(ptx));
        String[] version = PtxModules.ptxVersion(ptx).split("\\.");
        int isa = Integer.parseInt(version[0]) * 10 + Integer.parseInt(version[1]);
        assertTrue(isa >= (sm == 80 ? 70 : 78), "PTX ISA " + PtxModules.ptxVersion(ptx) + " includes sm_" + sm);
        int braces = 0;
        for (char c : ptx.toCharArray()) {
            braces += c == '{' ? 1 : c == '}' ? -1 : 0;
            assertTrue(braces >= 0, "unbalanced braces");
        }
        assertEquals(0, braces, "every block closed");
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 90})
    void everyKernelTheJavaSideLaunchesIsInThePtxWithTheContractsParameters(int sm) {
        Map<String, PtxEntry> entries = PtxModules.entries(PtxModules.read(PtxModules.resourceName(sm))).stream()
                .collect(Collectors.toMap(PtxEntry::name, Function.identity()));
        List<String> problems = new ArrayList<>();
        for (CudaKernels.Kernel k : CudaKernels.all()) {
            PtxEntry e = entries.get(k.name());
            if (e == null) {
                problems.add(k.name() + ": missing");
            } else if (e.params() != k.params()) {
                problems.add(k.name() + ": " + e.params() + " parameters in the PTX, " + k.params() + " in the contract");
            } else if (!e.paramTypes().getFirst().matches("[ub]64")) {
                problems.add(k.name() + ": first parameter is ." + e.paramTypes().getFirst() + ", every kernel starts with a pointer");
            } else if (!e.paramTypes().stream().allMatch(t -> t.matches("[ubs](64|32)|f32"))) {
                problems.add(k.name() + ": parameter types " + e.paramTypes() + " are not pointers, ints and floats");
            }
        }
        assertEquals(List.of(), problems, "sm_" + sm);
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 90})
    void bothTargetsDeclareTheSameKernels(int sm) {
        List<PtxEntry> these = PtxModules.entries(PtxModules.read(PtxModules.resourceName(sm)));
        List<PtxEntry> others = PtxModules.entries(PtxModules.read(PtxModules.resourceName(sm == 80 ? 90 : 80)));
        assertEquals(others.stream().map(PtxEntry::toString).sorted().toList(), these.stream().map(PtxEntry::toString).sorted().toList());
    }

    @ParameterizedTest
    @ValueSource(ints = {80, 86, 89, 90, 100, 120})
    void aDeviceGetsThePtxOfItsGeneration(int cc) {
        CudaDevice d = new CudaDevice(0, "gpu", cc / 10, cc % 10, 1L << 34, 100, 0, 0);
        String ptx = PtxModules.ptxFor(d);
        assertEquals(cc >= 90 ? "sm_90" : "sm_80", PtxModules.target(ptx));
    }
}
