package dev.chrysalis.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bench inference}'s CPU ceilings, measured in a child JVM ({@link CeilingsProbe}). */
class CeilingsProbeTest {

    @Test
    void theChildJvmReportsThisMachinesCeilings() throws Exception {
        InferenceBench.CpuCeilings c = InferenceBench.CpuCeilings.measure(1);
        // any machine this runs on reads faster than 100 MB/s and multiplies faster than 1 G/s on one thread
        assertTrue(c.bandwidth() > 1e8, "bandwidth " + c.bandwidth());
        assertTrue(c.flopPeak() > 1e9, "float peak " + c.flopPeak());
        assertTrue(c.shortPeak() > 1e9, "16-bit peak " + c.shortPeak());
    }

    @Test
    void aBadThreadCountIsRefusedWithItsUsage() throws Exception {
        Process p = InferenceBench.childJvm(CeilingsProbe.class, "0").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), output);
        assertTrue(output.contains("usage: CeilingsProbe THREADS") && output.contains("not 0"), output);
    }
}
