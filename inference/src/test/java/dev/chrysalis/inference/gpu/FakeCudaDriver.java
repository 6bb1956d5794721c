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
 * Builds the stand-in driver of fakecuda.c (test resource) against the real cuda.h, so the C compiler
 * holds each stub to the header's prototype and exported name. Skips the calling test class, printing
 * why, where there is no cuda.h or no C compiler.
 */
final class FakeCudaDriver {

    private static final Path CUDA_INCLUDE = Path.of(System.getProperty("chrysalis.cuda.include", "/usr/local/cuda/include"));

    private FakeCudaDriver() {
    }

    /** Compiles the stand-in into a new temporary folder and returns the library's path. */
    static Path compile() throws IOException, InterruptedException {
        Path header = CUDA_INCLUDE.resolve("cuda.h");
        assumeTrue(Files.isRegularFile(header), () -> print("fake-driver tests skipped: no " + header));
        Path dir = Files.createTempDirectory("fakecuda");
        Path source = dir.resolve("fakecuda.c");
        Path lib = dir.resolve("libfakecuda.so");
        // Registered folder first: the JVM deletes in reverse order, so the files go before their folder.
        // Linux lets a loaded library's file be removed; the mapping lives until the process ends.
        for (Path p : new Path[] {dir, source, lib}) {
            p.toFile().deleteOnExit();
        }
        try (InputStream in = FakeCudaDriver.class.getResourceAsStream("fakecuda.c")) {
            Files.copy(in, source);
        }
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-I" + CUDA_INCLUDE, "-o", lib.toString(),
                    source.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, () -> print("fake-driver tests skipped: no C compiler (" + e.getMessage() + ")"));
            throw e;
        }
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS), "cc timed out");
        assertEquals(0, cc.exitValue(), "fakecuda.c does not compile against " + header + ":\n" + out);
        return lib;
    }

    private static String print(String reason) {
        System.out.println(reason);
        return reason;
    }
}
