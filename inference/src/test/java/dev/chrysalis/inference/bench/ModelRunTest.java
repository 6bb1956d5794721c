package dev.chrysalis.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.testutil.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench measures each model in a child JVM of its own ({@link ModelProbe}), driven line by line ({@link ModelRun}). */
class ModelRunTest {

    @TempDir
    Path tmp;

    @Test
    void aChildJvmLoadsTheModelAndAnswersRoundsPrefixAndMemory() throws Exception {
        InferenceBench.Options o = InferenceBench.parse("--prompt", "24", "--gen", "4", "--runs", "1", "--no-peer");
        Path model = Fixtures.model("small-Q4_0.gguf");
        long pid;
        try (ModelRun run = ModelRun.start(model, o)) {
            ModelRun.Loaded loaded = run.loaded();
            assertTrue(loaded.bytesPerToken() > 0 && loaded.flopsPerToken() > 0 && loaded.kvBytes() > 0, "the loaded model's sizes");
            assertEquals(-1, loaded.gpuOrdinal(), "on the CPU");
            assertEquals(4096, loaded.vocab(), "small-Q4_0's vocabulary");
            for (int r = 0; r < 2; r++) {
                ModelRun.Round round = run.round();
                assertTrue(round.speed().prefill() > 0 && round.speed().decode() > 0, round.toString());
                assertTrue(round.decodeBytesPerStep() >= -1, round.toString());
            }
            assertTrue(run.request("prefix").startsWith("prefix cache (small-Q4_0.gguf): time to first token"));
            String memory = run.request("memory");
            assertTrue(memory.matches("[0-9]+ (RSS [0-9]+ MiB|unknown)"), memory);
            IOException unknown = assertThrows(IOException.class, () -> run.request("frobnicate"));
            assertTrue(unknown.getMessage().contains("unknown request 'frobnicate'"), unknown.getMessage());
            pid = run.pid();
        }
        assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "the child exits when its input ends");
    }

    @Test
    void aModelTheChildCannotLoadIsNamed() throws Exception {
        Path bad = Files.writeString(tmp.resolve("broken.gguf"), "not a gguf file", StandardCharsets.UTF_8);
        InferenceBench.Options o = InferenceBench.parse("--prompt", "8", "--gen", "2", "--runs", "1", "--no-peer");
        IOException e = assertThrows(IOException.class, () -> ModelRun.start(bad, o));
        assertTrue(e.getMessage().contains("broken.gguf") && e.getMessage().contains("ended before answering 'loaded'")
                && e.getMessage().contains("exit 1") && e.getMessage().contains("ModelProbe: cannot load"), e.getMessage());
    }

    @Test
    void badArgumentsGetTheUsage() throws Exception {
        Process p = InferenceBench.childJvm(ModelProbe.class, "m.gguf", "two").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), output);
        assertTrue(output.contains("usage: ModelProbe MODEL THREADS PROMPT_TOKENS GEN_TOKENS RUNS cpu|cuda, not m.gguf two"), output);
    }
}
