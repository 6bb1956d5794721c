package dev.chrysalis.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.model.Architecture;
import dev.chrysalis.inference.model.ModelConfig;
import org.junit.jupiter.api.Test;

/** {@code bench inference}: {@code --device}, the GPU roofline's byte count, and shares beyond the measured ceilings. */
class InferenceBenchDeviceTest {

    @Test
    void deviceDefaultsToCpuAndMustBeExplicit() {
        assertEquals(Device.CPU, InferenceBench.parse().device());
        assertEquals(Device.CUDA, InferenceBench.parse("--device", "cuda").device());
        var auto = assertThrows(IllegalArgumentException.class, () -> InferenceBench.parse("--device", "auto"));
        assertTrue(auto.getMessage().contains("cpu or cuda"), auto.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InferenceBench.parse("--device", "tpu"));
    }

    @Test
    void decodeStepReadsTheF16CacheUpToTheMeanGeneratedPosition() {
        // TinyLlama 1.1B: 22 layers, 4 KV heads of 64
        ModelConfig c = new ModelConfig(Architecture.LLAMA, 2048, 22, 32, 4, 64, 5632, 32000, 2048, 1e-5f, 10000f, 64, 1f, false);
        InferenceBench.Options o = InferenceBench.parse("--device", "cuda", "--prompt", "128", "--gen", "64");
        // positions 128..191 are generated; the mean step reads 128 + 32 + 1 cached positions of K and V
        assertEquals(2L * 2 * 22 * 256 * 161, InferenceBench.kvBytesPerDecodeStep(c, o.promptTokens(), o.genTokens()));
    }

    @Test
    void aShareOverTheMeasuredCeilingsIsFlaggedNotTrusted() {
        assertTrue(InferenceBench.beyondCeilings("m.gguf", 57, 94).isEmpty(), "within both ceilings: no note");
        String decode = InferenceBench.beyondCeilings("m.gguf", 191, 101).orElseThrow();
        assertTrue(decode.startsWith("note: m.gguf ran prefill and decode faster than the ceilings") && decode.contains("191% of roofline, 101% of peak"),
                decode);
        assertTrue(InferenceBench.beyondCeilings("m.gguf", 120, 80).orElseThrow().contains("ran decode faster than the ceilings measured in this run allow (120% of roofline)"));
        assertTrue(InferenceBench.beyondCeilings("m.gguf", 50, 142).orElseThrow().contains("ran prefill faster"));
    }

    @Test
    void llama3ShapedPresetsGetLlama3sVocabularyAndTheOthersLlama2s() {
        java.nio.file.Path fixtures = dev.chrysalis.inference.testutil.Fixtures.root();
        for (String preset : new String[] {"llama3.2-1b", "llama3-8b"}) {
            java.nio.file.Path v = InferenceBench.defaultVocabulary(fixtures, SyntheticLlama.PRESETS.get(preset));
            assertEquals("ggml-vocab-llama-bpe.gguf", v.getFileName().toString(), preset);
            assertTrue(java.nio.file.Files.isRegularFile(v), v.toString());
        }
        for (String preset : new String[] {"tinyllama-1.1b", "llama2-7b", "tiny"}) {
            assertEquals("llama-2-tiny-random.gguf",
                    InferenceBench.defaultVocabulary(fixtures, SyntheticLlama.PRESETS.get(preset)).getFileName().toString(), preset);
        }
    }
}
