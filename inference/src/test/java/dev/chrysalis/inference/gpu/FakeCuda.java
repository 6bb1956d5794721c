package dev.chrysalis.inference.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * fakecuda.c, a stand-in driver compiled against the real cuda.h (so each stub keeps the header's
 * prototype and exported name): host memory as device memory, add_f32 run for real, every other kernel
 * accepted and not run. Compiled once per test JVM.
 */
final class FakeCuda {

    private static final Path CUDA_INCLUDE = Path.of(System.getProperty("chrysalis.cuda.include", "/usr/local/cuda/include"));
    /** Bytes of device memory the stand-in reports (FAKE_TOTAL in fakecuda.c). */
    static final long TOTAL_MEMORY = 16L << 30;

    private static Path library;

    private FakeCuda() {
    }

    /**
     * The compiled stand-in library; aborts the calling test (skipped, with the reason printed) where there
     * is no C compiler or cuda.h.
     */
    static synchronized Path library() throws IOException, InterruptedException {
        if (library != null) {
            return library;
        }
        Path header = CUDA_INCLUDE.resolve("cuda.h");
        assumeTrue(Files.isRegularFile(header), () -> print("fake-driver tests skipped: no " + header));
        Path dir = Files.createTempDirectory("fakecuda");
        Path source = dir.resolve("fakecuda.c");
        try (InputStream in = FakeCuda.class.getResourceAsStream("fakecuda.c")) {
            Files.copy(in, source);
        }
        Path lib = dir.resolve("libfakecuda.so");
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-I" + CUDA_INCLUDE, "-o", lib.toString(),
                    source.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, () -> print("fake-driver tests skipped: no C compiler (" + e.getMessage() + ")"));
            return null;
        }
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS), "cc timed out");
        assertEquals(0, cc.exitValue(), "fakecuda.c does not compile against " + header + ":\n" + out);
        library = lib;
        return lib;
    }

    private static String print(String reason) {
        System.out.println(reason);
        return reason;
    }
}
