package dev.chrysalis.host.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwapBenchmarkTest {

    private static String run(int expectedCode, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = SwapBenchmark.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), args);
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(expectedCode, code, out);
        return out;
    }

    @Test
    void aShortRunSwapsUnderLoadWithoutFailedCallsAndPrintsLatencyPercentiles() {
        String out = run(0, "--swaps", "4", "--sessions", "8", "--pause-ms", "20", "--warmup", "2", "--settle-s", "1");
        assertTrue(out.contains("8 sessions calling skill bench-echo continuously, 4 swaps between 1.0.0 and 2.0.0 (after 4 unmeasured warm-up swaps)"), out);
        assertTrue(out.matches("(?s).*swap latency .*p50 [0-9.]+ ms  p99 [0-9.]+ ms  max [0-9.]+ ms.*"), out);
        assertTrue(out.contains("failed: 0, answered by the wrong version: 0, stale after a swap: 0"), out);
        assertTrue(out.matches("(?s).*JIT compilation: [0-9]+% of one core in the first second of [1-9][0-9]* unmeasured swaps under load.*"), out);
    }

    @Test
    void aStagedRunCutsOverToJarsPreparedBeforeEachSwap() {
        String out = run(0, "--swaps", "4", "--sessions", "8", "--pause-ms", "20", "--warmup", "1", "--settle-s", "0", "--staged");
        assertTrue(out.contains("each jar staged beside the live version before its swap"), out);
        assertTrue(out.contains("failed: 0, answered by the wrong version: 0, stale after a swap: 0"), out);
        assertTrue(!out.contains("  install "), "a staged swap installs nothing: " + out);
    }

    @Test
    void badArgumentsPrintTheUsage() {
        String out = run(2, "--swaps", "zero");
        assertTrue(out.contains("--swaps expects a whole number, not 'zero'"), out);
        assertTrue(out.contains("usage: bench swap"), out);
        assertTrue(run(2, "--frobnicate").contains("unknown argument '--frobnicate'"));
    }

    @Test
    void percentileTakesTheNearestRank() {
        List<Duration> sorted = java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(Duration::ofMillis).toList();
        assertEquals(Duration.ofMillis(50), SwapBenchmark.percentile(sorted, 50));
        assertEquals(Duration.ofMillis(99), SwapBenchmark.percentile(sorted, 99));
        assertEquals(Duration.ofMillis(1), SwapBenchmark.percentile(List.of(Duration.ofMillis(1)), 99));
    }
}
