package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.inference.tensor.Dequantize;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CUDA kernels' arithmetic on this machine, without a GPU: runs {@code src/main/cuda/hostcheck/run.sh}, which compiles
 * the kernel sources with g++ against the CUDA headers and an emulation of CUDA blocks, then checks every weight type's
 * dequantization against {@link Dequantize} bit for bit, the matrix-vector, matrix-matrix and embedding kernels against
 * double products, and attention, sampling, norms and RoPE against their references. Skipped, saying why, where there
 * is no g++ or no CUDA headers.
 */
class HostKernelCheckTest {

    private static final Path CUDA_INCLUDE = Path.of(System.getProperty("chrysalis.cuda.include", "/usr/local/cuda/include"));

    @Test
    void everyKernelMatchesItsReferenceOnTheHostEmulator() throws IOException, InterruptedException, URISyntaxException {
        assumeTrue(Files.isRegularFile(CUDA_INCLUDE.resolve("cuda_fp16.h")), () -> print("host kernel check skipped: no " + CUDA_INCLUDE.resolve("cuda_fp16.h")));
        assumeTrue(onPath("g++"), () -> print("host kernel check skipped: no g++ on the PATH"));
        Path script = Path.of("src/main/cuda/hostcheck/run.sh").toAbsolutePath();
        assertTrue(Files.isRegularFile(script), "run from the inference module: " + script);
        Path classes = Path.of(Dequantize.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), classes.toString()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("CUDA_HOME", CUDA_INCLUDE.getParent().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "hostcheck timed out");
        assertEquals(0, p.exitValue(), "hostcheck failed:\n" + out);
        assertTrue(out.contains("all host checks passed") && out.contains("all emulated kernel checks passed"), out);
        for (String type : new String[] {"Q8_0", "Q4_0", "Q4_1", "Q4_K", "Q5_K", "Q6_K", "F16", "BF16"}) {
            assertTrue(out.contains(type + ": ") && !out.matches("(?s).*" + type + ": \\d+ values, [1-9].*"), type + " dequantized bit for bit:\n" + out);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String print(String reason) {
        System.out.println(reason);
        return reason;
    }
}
