package dev.chrysalis.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.testutil.GgufBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceCliTest {

    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status = InferenceCli.run(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), args);
        return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingModelFileIsAOneLineError() {
        Run r = run("generate", "--model", tmp.resolve("nope.gguf").toString(), "--prompt", "hi");
        assertEquals(1, r.status());
        assertTrue(r.err().strip().endsWith("error: model file not found: " + tmp.resolve("nope.gguf")), r.err());
    }

    @Test
    void anUnsupportedArchitectureIsAOneLineError() throws IOException {
        Path p = tmp.resolve("gpt2.gguf");
        Files.write(p, new GgufBuilder().kvString("general.architecture", "gpt2").build());
        Run r = run("generate", "--model", p.toString(), "--prompt", "hi");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: unsupported model gpt2.gguf: metadata 'general.architecture': 'gpt2' is not supported"), r.err());
    }

    @Test
    void aModelThatDoesNotFitIsAOneLineError() {
        Run r = run("generate", "--model", dev.chrysalis.inference.testutil.Fixtures.model("tiny-F32.gguf").toString(), "--prompt", "hi",
                "--ctx", "2000000000");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: model does not fit in memory: model tiny-F32.gguf needs"), r.err());
    }

    @Test
    void badArgumentsPrintUsage() {
        Run r = run("generate", "--prompt", "hi");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--model is required"));
        assertTrue(r.err().contains("usage: generate"));
        assertEquals(2, run("generate", "--model", "x", "--prompt", "p", "--kv", "q3").status());
        assertEquals(2, run("frobnicate").status());
        assertEquals(2, run("bench", "inference", "--threads", "zero").status());
        assertEquals(0, run("bench", "inference", "--help").status());
    }
}
