package dev.chrysalis.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.model.KvCache;
import dev.chrysalis.inference.model.KvCacheType;
import dev.chrysalis.inference.model.ModelLoader;
import dev.chrysalis.inference.model.Transformer;
import dev.chrysalis.inference.testutil.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of corrupted fixture files (byte flips concentrated in the header, where structure lives,
 * plus random truncations): opening and loading must either succeed (a flip inside weight data is still
 * a valid file, and then a forward step must run) or fail with a {@link GgufFormatException}, never
 * with another exception, a crash or a hang.
 */
class GgufFuzzTest {

    @TempDir
    Path tmp;

    @Test
    void corruptedFilesGiveOnlyFormatExceptions() {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int[] outcomes = new int[2];
            try (WorkerPool pool = new WorkerPool(1)) {
                fuzz("stories260K.gguf", 1500, 11, pool, outcomes);
                fuzz("tiny-Q4_0.gguf", 1500, 12, pool, outcomes);
            }
            System.out.printf("fuzz: %d loaded and ran, %d rejected with GgufFormatException%n", outcomes[0], outcomes[1]);
            assertTrue(outcomes[1] > 1000, "most corruptions must be detected");
        });
    }

    private void fuzz(String model, int cases, long seed, WorkerPool pool, int[] outcomes) throws IOException {
        byte[] original = Files.readAllBytes(Fixtures.model(model));
        long header;
        try (GgufFile f = GgufFile.open(Fixtures.model(model))) {
            header = f.dataOffset();
        }
        Random rnd = new Random(seed);
        Path p = tmp.resolve("fuzz-" + model);
        for (int c = 0; c < cases; c++) {
            byte[] b;
            String what;
            int kind = rnd.nextInt(10);
            if (kind < 2) {
                int len = rnd.nextInt(original.length);
                b = java.util.Arrays.copyOf(original, len);
                what = "truncated to " + len;
            } else {
                b = original.clone();
                int flips = 1 + rnd.nextInt(kind < 8 ? 1 : 8);
                StringBuilder sb = new StringBuilder("flips");
                for (int i = 0; i < flips; i++) {
                    int pos = kind == 9 ? rnd.nextInt(b.length) : rnd.nextInt((int) header);
                    byte v = kind == 7 ? (byte) 0xFF : (byte) rnd.nextInt(256);
                    b[pos] = v;
                    sb.append(' ').append(pos).append('=').append(v);
                }
                what = sb.toString();
            }
            Files.write(p, b);
            try (GgufFile f = GgufFile.open(p)) {
                ModelLoader.Loaded m = ModelLoader.load(f);
                Transformer tr = new Transformer(m.config(), m.weights(), pool, 2, 4);
                tr.forward(KvCache.create(KvCacheType.F32, m.config(), 4), new int[] {1, 2}, 0, 2, 0, false);
                outcomes[0]++;
            } catch (GgufFormatException e) {
                if (e.getMessage() == null || e.getMessage().isBlank()) {
                    fail(model + " " + what + ": exception without a message");
                }
                outcomes[1]++;
            } catch (Throwable t) {
                throw new AssertionError(model + " " + what + ": " + t, t);
            }
        }
    }
}
