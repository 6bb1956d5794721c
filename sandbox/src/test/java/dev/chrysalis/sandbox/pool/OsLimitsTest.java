package dev.chrysalis.sandbox.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OsLimitsTest {

    @Test
    void prefixSetsEveryLimitSoftAndHardAndNoCoreDumps() {
        Path prlimit = Path.of("/usr/bin/prlimit");
        org.junit.jupiter.api.Assumptions.assumeTrue(OsLimits.available(), "no prlimit on this machine");
        List<String> prefix = new OsLimits(60, 128, 8L << 20).prefix(List.of(Path.of("/bin/prlimit"), prlimit));
        assertEquals(List.of("--cpu=60:65", "--nofile=128:128", "--fsize=8388608:8388608", "--core=0:0", "--"),
                prefix.subList(1, prefix.size()));
        assertTrue(prefix.getFirst().endsWith("prlimit"), prefix::toString);
    }

    @Test
    void withoutPrlimitTheWorkerStartsWithoutAPrefix() {
        assertEquals(List.of(), OsLimits.defaults().prefix(List.of(Path.of("/nonexistent/bin/prlimit"))));
    }

    @Test
    void exitCodesOfTheLimitSignalsAreExplained() {
        OsLimits limits = OsLimits.defaults();
        assertTrue(limits.breachFromExit(152).orElseThrow().contains("RLIMIT_CPU"));
        assertTrue(limits.breachFromExit(153).orElseThrow().contains("RLIMIT_FSIZE"));
        assertEquals(Optional.empty(), limits.breachFromExit(1));
    }

    @Test
    void limitsThatWouldStopTheJvmItselfAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new OsLimits(60, 16, 8L << 20));
        assertTrue(e.getMessage().contains("open files"), e::getMessage);
    }
}
