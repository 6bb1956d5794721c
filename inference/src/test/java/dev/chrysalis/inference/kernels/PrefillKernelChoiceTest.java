package dev.chrysalis.inference.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefillKernelChoiceTest {

    @Test
    void readsTheFirstVendorIdOfCpuinfo(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.write(cpuinfo, List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 26", "", "processor\t: 1",
                "vendor_id\t: GenuineIntel"));
        assertEquals("AuthenticAMD", CpuVendor.read(cpuinfo));
        assertEquals("", CpuVendor.parse(List.of("processor\t: 0", "model name\t: ARMv8 vendor_idless")));
        assertEquals("", CpuVendor.read(dir.resolve("missing")));
    }

    @Test
    void integersWhereTheyPayUnlessTheFlagSaysOtherwise() {
        assertFalse(TiledBatch.integersPay(null, "GenuineIntel"));
        assertTrue(TiledBatch.integersPay(null, "AuthenticAMD"));
        assertTrue(TiledBatch.integersPay(null, ""));
        assertTrue(TiledBatch.integersPay("false", "GenuineIntel"));
        assertFalse(TiledBatch.integersPay(" TRUE ", "AuthenticAMD"));
        // not a boolean: warned about, and the CPU decides
        assertFalse(TiledBatch.integersPay("yes", "GenuineIntel"));
        assertTrue(TiledBatch.integersPay("yes", "AuthenticAMD"));
    }
}
