package dev.chrysalis.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.inference.bench.SyntheticLlama;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.kernels.QuantTiles;
import dev.chrysalis.inference.testutil.Fixtures;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decode's kernels keep their vectors in registers: in a JVM of its own, a decode step allocates its logits and a few
 * small objects, not boxed vectors. A kernel C2 cannot compile whole (a helper taking vectors that it does not inline,
 * a loop-carried vector of unknown class: see {@code LoopCarried}) boxes on every block and allocates megabytes a
 * step; the bench's probes once made that happen in 20 of 31 JVMs (see {@code CeilingsProbe}). A JVM of its own,
 * because the test JVM's other tests leave the Vector API's shared methods with traps of their own.
 */
class DecodeAllocationTest {

    /**
     * Healthy steps on the small fixtures allocate 23-52 KiB (logits of 16 KiB, the prompt copy, the session's
     * bookkeeping); with one Vector API method kept from inlining ({@code -XX:CompileCommand=dontinline,
     * jdk.incubator.vector.IntVector::lanewise}) the same steps allocate 41-47 MB.
     */
    private static final long LIMIT_BYTES = 256 << 10;

    @TempDir
    Path tmp;

    @Test
    void decodeStepsInAFreshJvmAllocateNoBoxedVectors() throws Exception {
        assumeTrue(QuantTiles.fits(QuantTiles.ROWS, 32), "no vector lanes: decode runs the scalar kernels");
        String[] models = {"small-Q4_0.gguf", "small-Q8_0.gguf", "small-Q4_K.gguf", "small-Q6_K.gguf"};
        String java = ProcessHandle.current().info().command().orElseThrow();
        // the launcher's JIT settings, as `./chrysalis` runs the engine: this JVM's -XX options, which the build gives it
        // (JitSettingsTest checks that they hold every recommended one)
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-XX:")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DecodeAllocationProbe.class.getName()));
        for (String m : models) {
            command.add(Fixtures.model(m).toString());
        }
        // no Q5_K or Q4_1 fixtures: the bench's writer makes them, of the small shape
        for (GgmlType type : new GgmlType[] {GgmlType.Q5_K, GgmlType.Q4_1}) {
            Path generated = tmp.resolve("small-" + type + ".gguf");
            SyntheticLlama.write(generated, SyntheticLlama.Options.of("small", type), 2);
            command.add(generated.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        Matcher m = Pattern.compile("(?m)^allocated (\\S+) (\\d+)$").matcher(output);
        int seen = 0;
        while (m.find()) {
            seen++;
            long perStep = Long.parseLong(m.group(2));
            assertTrue(perStep < LIMIT_BYTES, m.group(1) + ": " + perStep + " bytes allocated per decode step (boxed vectors?)\n" + output);
        }
        assertEquals(models.length + 2, seen, output);
    }
}
