package dev.chrysalis.inference.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.TokenListener;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.tensor.Dequantize;
import dev.chrysalis.inference.testutil.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java writer against gen_gguf.py itself: for every weight type and for the options that change the
 * layout (a copied vocabulary, tied embeddings, other embedding and output types, a seed, an alignment),
 * the two files must be the same bytes. The comparisons skip, saying why, where python3 with numpy is
 * missing; the checks of the written model's contents run everywhere.
 */
class SyntheticLlamaTest {

    private static final Path TOOLS = Fixtures.root().resolveSibling("tools");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void eachWeightTypeIsTheFileGenGgufWrites(GgmlType type) throws Exception {
        // tiny's n_ff of 384 is not a whole number of 256-value blocks: ffn_down stays F32 for the K types
        assertSameFile(SyntheticLlama.Options.of("tiny", type), List.of("--preset", "tiny", "--wtype", type.name()));
    }

    @Test
    void aCopiedVocabularyTiedEmbeddingsOtherTypesAndASeedGiveTheSameFileToo() throws Exception {
        Path vocab = Fixtures.model("llama-2-tiny-random.gguf");
        assertSameFile(SyntheticLlama.Options.of("tiny", GgmlType.Q4_0).withVocabFrom(vocab).withSeed(99),
                List.of("--preset", "tiny", "--wtype", "Q4_0", "--vocab-from", vocab.toString(), "--seed", "99"));
        assertSameFile(SyntheticLlama.Options.of("small", GgmlType.Q8_0).withTypes(GgmlType.F16, null, true),
                List.of("--preset", "small", "--wtype", "Q8_0", "--embd-type", "F16", "--tie-embeddings"));
        assertSameFile(SyntheticLlama.Options.of("tiny", GgmlType.Q6_K).withTypes(GgmlType.Q8_0, GgmlType.Q4_K, false),
                List.of("--preset", "tiny", "--wtype", "Q6_K", "--embd-type", "Q8_0", "--output-type", "Q4_K"));
    }

    @Test
    void theWrittenModelHoldsThePresetsShapeAndRunsInTheEngine() throws Exception {
        Path out = tmp.resolve("small-q4_0.gguf");
        SyntheticLlama.Written w = SyntheticLlama.write(out, SyntheticLlama.Options.of("small", GgmlType.Q4_0), 2);
        assertEquals(Files.size(out), w.bytes());
        assertEquals(4 * 9 + 3, w.tensors(), "9 tensors a layer, embedding, final norm and output");
        assertFalse(Files.exists(tmp.resolve("small-q4_0.gguf.tmp")), "the temporary file is moved into place");
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(4096, f.metadata().getStringArray("tokenizer.ggml.tokens").size());
            assertEquals(GgmlType.Q4_0, f.requireTensor("blk.3.ffn_down.weight").type());
            assertEquals(GgmlType.F32, f.requireTensor("blk.0.attn_norm.weight").type());
            assertEquals(4, f.metadata().requireLong("llama.attention.head_count_kv"));
        }
        float[] first = new float[3];
        SyntheticLlama.fill(SyntheticLlama.splitmix64(1234 ^ SyntheticLlama.fnv1a64("blk.0.attn_norm.weight")), 0, first, 1.0, 0.2);
        for (float v : first) {
            assertTrue(v >= 0.8f && v <= 1.2f, "norm weights are 1 +- 0.2: " + v);
        }
        try (Engine e = Engine.load(out, EngineOptions.defaults().withThreads(2).withContextLength(64));
                Session s = e.newSession()) {
            GenerationResult r = s.generate(GenerationRequest.greedy(new int[] {1, 300, 301}, 4), TokenListener.NONE);
            assertEquals(4, r.tokens().length);
        }
    }

    @Test
    void q5_KIsQ4_KsQuantizationWithThirtyOneLevelsAndItsModelsRunTiled() throws Exception {
        // gen_gguf.py writes no Q5_K: the Java writer quantizes it as its Q4_K, with 31 levels, and Dequantize reads it back
        float[] x = samples();
        double[] rms = new double[2];
        GgmlType[] types = {GgmlType.Q4_K, GgmlType.Q5_K};
        for (int k = 0; k < 2; k++) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) types[k].byteSize(x.length));
            ReferenceQuantizers.quantize(types[k], x, x.length, buf);
            assertEquals(buf.capacity(), buf.position(), types[k] + " fills its blocks exactly");
            float[] y = new float[x.length];
            Dequantize.dequantize(types[k], java.lang.foreign.MemorySegment.ofArray(buf.array()), 0, y, 0, x.length);
            for (int sub = 0; sub < x.length / 32; sub++) {
                float lo = 0;
                float hi = 0;
                for (int i = 32 * sub; i < 32 * sub + 32; i++) {
                    lo = Math.min(lo, x[i]);
                    hi = Math.max(hi, x[i]);
                    rms[k] += (x[i] - y[i]) * (x[i] - y[i]);
                }
                for (int i = 32 * sub; i < 32 * sub + 32; i++) {
                    // a quarter of the sub-block's range: the 6-bit scales are rounded against the block's largest
                    assertEquals(x[i], y[i], 0.25f * (hi - lo) + 1e-6f, types[k] + " value " + i);
                }
            }
            rms[k] = Math.sqrt(rms[k] / x.length);
        }
        assertTrue(rms[1] < rms[0] / 1.7, "Q5_K's error " + rms[1] + " against Q4_K's " + rms[0]);
        Path out = tmp.resolve("small-q5_k.gguf");
        SyntheticLlama.write(out, SyntheticLlama.Options.of("small", GgmlType.Q5_K), 2);
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(GgmlType.Q5_K, f.requireTensor("blk.3.ffn_down.weight").type());
            assertEquals(16, f.metadata().requireLong("general.file_type"));
        }
        try (Engine e = Engine.load(out, EngineOptions.defaults().withThreads(2).withContextLength(64));
                Session s = e.newSession()) {
            assertTrue(e.weights().layers().get(0).wq().isTiled() || !e.weights().layers().get(0).wq().tileable(),
                    "Q5_K matrices are tiled where the machine's vectors allow");
            GenerationResult r = s.generate(GenerationRequest.greedy(new int[] {1, 300, 301}, 4), TokenListener.NONE);
            assertEquals(4, r.tokens().length);
        }
    }

    @Test
    void q4KmPutsQ6KWhereLlamaCppsQuantizerDoes() throws Exception {
        // use_more_bits for 32 layers: the first and last eighth, and every third layer between from the eighth
        assertEquals(List.of(0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31),
                java.util.stream.IntStream.range(0, 32).filter(i -> SyntheticLlama.moreBits(i, 32)).boxed().toList());
        Path out = tmp.resolve("small-q4_k_m.gguf");
        SyntheticLlama.write(out, SyntheticLlama.Options.of("small", "Q4_K_M"), 2);
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(15, f.metadata().requireLong("general.file_type"), "llama.cpp's LLAMA_FTYPE_MOSTLY_Q4_K_M");
            assertEquals(GgmlType.Q4_K, f.requireTensor("token_embd.weight").type());
            assertEquals(GgmlType.Q6_K, f.requireTensor("output.weight").type());
            for (int i = 0; i < 4; i++) {
                // four layers: an eighth is none, so layer 2 (every third) and layer 3 (the last eighth) get more bits
                GgmlType more = i >= 2 ? GgmlType.Q6_K : GgmlType.Q4_K;
                assertEquals(more, f.requireTensor("blk." + i + ".attn_v.weight").type(), "attn_v of layer " + i);
                assertEquals(more, f.requireTensor("blk." + i + ".ffn_down.weight").type(), "ffn_down of layer " + i);
                assertEquals(GgmlType.Q4_K, f.requireTensor("blk." + i + ".attn_q.weight").type());
                assertEquals(GgmlType.Q4_K, f.requireTensor("blk." + i + ".ffn_up.weight").type());
            }
        }
        try (Engine e = Engine.load(out, EngineOptions.defaults().withThreads(2).withContextLength(64));
                Session s = e.newSession()) {
            GenerationResult r = s.generate(GenerationRequest.greedy(new int[] {1, 300, 301}, 4), TokenListener.NONE);
            assertEquals(4, r.tokens().length);
        }
        var bad = assertThrows(IllegalArgumentException.class, () -> SyntheticLlama.Options.of("small", "Q4_K_X"));
        assertTrue(bad.getMessage().contains("Q4_K_X") && bad.getMessage().contains("Q4_K_M"), bad.getMessage());
    }

    @Test
    void q4_1IsGgmlsReferenceQuantizationWithinOneStepAValue() {
        // gen_gguf.py writes no Q4_1 either: every value within one step of its block's (max - min) / 15
        float[] x = samples();
        java.nio.ByteBuffer q41 = java.nio.ByteBuffer.allocate((int) GgmlType.Q4_1.byteSize(x.length));
        ReferenceQuantizers.quantize(GgmlType.Q4_1, x, x.length, q41);
        float[] y41 = new float[x.length];
        Dequantize.dequantize(GgmlType.Q4_1, java.lang.foreign.MemorySegment.ofArray(q41.array()), 0, y41, 0, x.length);
        for (int blk = 0; blk < x.length / 32; blk++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int i = 32 * blk; i < 32 * blk + 32; i++) {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, x[i]);
            }
            for (int i = 32 * blk; i < 32 * blk + 32; i++) {
                assertEquals(x[i], y41[i], (hi - lo) / 15 * 0.51 + 2e-3f * Math.abs(lo), "Q4_1 value " + i);
            }
        }
    }

    @Test
    void bf16IsEachFloatRoundedToNearestEvenAndItsModelsRunCloseToF32() throws Exception {
        // gen_gguf.py writes no BF16 either: the top half of each float, rounded to nearest with ties to even
        assertEquals((short) 0x3F80, ReferenceQuantizers.bfloat16(1f));
        assertEquals((short) 0x3F80, ReferenceQuantizers.bfloat16(Float.intBitsToFloat(0x3F808000)), "a tie to the even side");
        assertEquals((short) 0x3F82, ReferenceQuantizers.bfloat16(Float.intBitsToFloat(0x3F818000)), "a tie to the even side, up");
        assertEquals((short) 0x3F81, ReferenceQuantizers.bfloat16(Float.intBitsToFloat(0x3F808001)), "above the tie");
        assertEquals((short) 0xFF80, ReferenceQuantizers.bfloat16(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Float.intBitsToFloat(ReferenceQuantizers.bfloat16(Float.NaN) << 16)), "NaN stays NaN");
        Path bf16 = tmp.resolve("small-bf16.gguf");
        Path f32 = tmp.resolve("small-f32.gguf");
        SyntheticLlama.write(bf16, SyntheticLlama.Options.of("small", GgmlType.BF16), 2);
        SyntheticLlama.write(f32, SyntheticLlama.Options.of("small", GgmlType.F32), 2);
        try (GgufFile f = GgufFile.open(bf16); GgufFile g = GgufFile.open(f32)) {
            assertEquals(32, f.metadata().requireLong("general.file_type"), "llama.cpp's LLAMA_FTYPE_MOSTLY_BF16");
            var t = f.requireTensor("blk.1.ffn_up.weight");
            assertEquals(GgmlType.BF16, t.type());
            var u = g.requireTensor("blk.1.ffn_up.weight");
            for (long i = 0; i < 1000; i++) {
                float exact = u.data().get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * i);
                short stored = t.data().get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2 * i);
                assertEquals(ReferenceQuantizers.bfloat16(exact), stored, "value " + i);
            }
        }
        // each weight within 2^-9 of its float: the logits of a few tokens stay within 1% of their spread (0.36% measured)
        float[] a;
        float[] b;
        int[] prompt = {1, 300, 301, 302, 303};
        try (Engine e = Engine.load(bf16, EngineOptions.defaults().withThreads(2).withContextLength(64)); Session s = e.newSession()) {
            a = s.evaluate(prompt).logits();
        }
        try (Engine e = Engine.load(f32, EngineOptions.defaults().withThreads(2).withContextLength(64)); Session s = e.newSession()) {
            b = s.evaluate(prompt).logits();
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        double worst = 0;
        for (int i = 0; i < b.length; i++) {
            lo = Math.min(lo, b[i]);
            hi = Math.max(hi, b[i]);
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        assertTrue(worst > 0, "BF16 weights are rounded, so some logit differs");
        assertTrue(worst < 0.01 * (hi - lo), "largest logit difference " + worst + " against a spread of " + (hi - lo));
    }

    /** 64 blocks of 256 Gaussian values, their spread stepping from 1 to 5 block by block. */
    private static float[] samples() {
        java.util.Random rnd = new java.util.Random(7);
        float[] x = new float[256 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * (1 + (i >> 8) % 5));
        }
        return x;
    }

    @Test
    void badOptionsAreRefusedByName() {
        IllegalArgumentException preset = assertThrows(IllegalArgumentException.class, () -> SyntheticLlama.Options.of("llama9-900b", GgmlType.Q4_0));
        assertTrue(preset.getMessage().contains("unknown preset 'llama9-900b'") && preset.getMessage().contains("tinyllama-1.1b"), preset.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> SyntheticLlama.write(tmp.resolve("x.gguf"), SyntheticLlama.Options.of("tiny", GgmlType.Q5_0), 1));
        assertTrue(type.getMessage().contains("Q5_0"), type.getMessage());
        SyntheticLlama.Options heads = SyntheticLlama.Options.of("tiny", GgmlType.F32).withShape(new SyntheticLlama.Preset(1, 100, 3, 1, 64, 300, 64, 1e4));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> SyntheticLlama.write(tmp.resolve("y.gguf"), heads, 1));
        assertTrue(shape.getMessage().contains("n_embd 100 must divide into 3 heads"), shape.getMessage());
        IOException vocab = assertThrows(IOException.class, () -> SyntheticLlama.write(tmp.resolve("z.gguf"),
                SyntheticLlama.Options.of("tiny", GgmlType.F32).withVocabFrom(tmp.resolve("missing.gguf")), 1));
        assertTrue(vocab.getMessage().contains("missing.gguf"), vocab.getMessage());
        assertFalse(Files.exists(tmp.resolve("x.gguf")) || Files.exists(tmp.resolve("z.gguf")), "nothing half-written is left");
    }

    private void assertSameFile(SyntheticLlama.Options o, List<String> pythonArgs) throws Exception {
        Path ours = tmp.resolve("java.gguf");
        Path python = tmp.resolve("python.gguf");
        SyntheticLlama.write(ours, o, 3);
        runGenGguf(python, pythonArgs);
        byte[] expected = Files.readAllBytes(python);
        byte[] actual = Files.readAllBytes(ours);
        assertEquals(expected.length, actual.length, "size of " + pythonArgs);
        int first = Arrays.mismatch(expected, actual);
        assertEquals(-1, first, "first differing byte of " + pythonArgs + " at offset " + first);
        assertArrayEquals(expected, actual);
    }

    private static void runGenGguf(Path out, List<String> args) throws IOException, InterruptedException {
        Path script = TOOLS.resolve("gen_gguf.py");
        assumeTrue(Files.isRegularFile(script), () -> print("gen_gguf.py comparison skipped: no " + script));
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString(), "--out", out.toString()));
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, () -> print("gen_gguf.py comparison skipped: no python3 (" + e.getMessage() + ")"));
            throw e;
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "gen_gguf.py timed out");
        assumeTrue(p.exitValue() == 0 || !log.contains("No module named 'numpy'"), () -> print("gen_gguf.py comparison skipped: python3 has no numpy"));
        assertEquals(0, p.exitValue(), "gen_gguf.py " + args + " failed:\n" + log);
    }

    private static String print(String reason) {
        System.out.println(reason);
        return reason;
    }
}
