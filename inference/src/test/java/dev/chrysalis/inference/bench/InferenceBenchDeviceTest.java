package dev.chrysalis.inference.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.model.Architecture;
import dev.chrysalis.inference.model.ModelConfig;
import org.junit.jupiter.api.Test;

/** {@code bench inference --device}: which engine is measured and the GPU roofline's byte count. */
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
}
