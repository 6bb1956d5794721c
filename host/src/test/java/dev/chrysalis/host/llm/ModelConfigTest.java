package dev.chrysalis.host.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.model.KvCacheType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenConfigReadsBackAndRelativeModelPathsResolveAgainstItsFolder() throws Exception {
        ModelConfig c = ModelConfig.of(dir.resolve("m.gguf")).withContextLength(1024).withThreads(3).withChatTemplate("chatml");
        Path file = ModelConfig.fileIn(dir);
        c.write(file);
        assertEquals(c, ModelConfig.read(file));
        Files.writeString(file, "model.path=models/x.gguf\nkv.type=q8_0\nsampling.temperature=0.2\nseed=9\n");
        ModelConfig r = ModelConfig.read(file);
        assertEquals(dir.resolve("models/x.gguf"), r.modelPath());
        assertEquals(KvCacheType.Q8_0, r.kvCacheType());
        assertEquals(0.2f, r.sampling().temperature());
        assertEquals(9, r.seed());
        assertEquals(Optional.empty(), r.chatTemplate());
    }

    @Test
    void aModelGivenOnTheCommandLineKeepsTheDataDirSettings() throws Exception {
        Path model = dir.resolve("given.gguf");
        assertEquals(ModelConfig.of(model), ModelConfig.forModelFile(model, dir), "no file: defaults");
        Files.writeString(ModelConfig.fileIn(dir), "context.length=777\nkv.type=f32\n");
        ModelConfig noPath = ModelConfig.forModelFile(model, dir);
        assertEquals(model, noPath.modelPath());
        assertEquals(777, noPath.contextLength());
        Files.writeString(ModelConfig.fileIn(dir), "model.path=other.gguf\ncontext.length=555\n");
        ModelConfig withPath = ModelConfig.forModelFile(model, dir);
        assertEquals(model, withPath.modelPath());
        assertEquals(555, withPath.contextLength());
    }

    @Test
    void badFilesAreRefusedNamingTheKey() throws Exception {
        Path file = dir.resolve("model.properties");
        assertTrue(assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage().contains("does not exist"));
        Files.writeString(file, "context.length=10\n");
        assertTrue(assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage().contains("model.path is required"));
        Files.writeString(file, "model.path=a.gguf\ncontext.lenght=10\n");
        assertTrue(assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage().contains("unknown key 'context.lenght'"));
        Files.writeString(file, "model.path=a.gguf\nkv.type=f8\n");
        assertTrue(assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage().contains("kv.type 'f8'"));
        Files.writeString(file, "model.path=a.gguf\nthreads=many\n");
        assertTrue(assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage().contains("threads 'many'"));
        Files.writeString(file, "model.path=a.gguf\nsampling.top_p=3\n");
        assertTrue(assertThrows(ModelConfigException.class, () -> ModelConfig.read(file)).getMessage().contains("top-p"));
    }

    @Test
    void theDeviceIsAutoByDefaultAndReadFromTheFile() throws Exception {
        Path file = ModelConfig.fileIn(dir);
        Files.writeString(file, "model.path=a.gguf\n");
        assertEquals(dev.chrysalis.inference.engine.Device.AUTO, ModelConfig.read(file).device());
        Files.writeString(file, "model.path=a.gguf\ndevice=cpu\n");
        ModelConfig cpu = ModelConfig.read(file);
        assertEquals(dev.chrysalis.inference.engine.Device.CPU, cpu.device());
        cpu.write(file);
        assertEquals(cpu, ModelConfig.read(file));
        Files.writeString(file, "model.path=a.gguf\ndevice=tpu\n");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfig.read(file));
        assertEquals(file + ": device 'tpu' is not auto, cpu or cuda", e.getMessage());
    }

    @Test
    void cudaWithoutAGpuIsAClearLoadError() {
        var probe = dev.chrysalis.inference.gpu.cuda.CudaDriver.probe();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.usableDevice().isEmpty(), "a GPU is present: " + probe.reason());
        ModelConfig cuda = ModelConfig.of(LlmFixtures.model("stories260K.gguf")).withDevice(dev.chrysalis.inference.engine.Device.CUDA);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlmModel.load(cuda));
        assertTrue(e.getMessage().contains("cannot run on the GPU: device cuda requested but " + probe.unusableReason().orElseThrow())
                && e.getMessage().endsWith("(set device=auto or cpu in model.properties)"), e.getMessage());
    }

    @Test
    void aMissingModelFileIsAClearLoadError() {
        Path missing = dir.resolve("nope.gguf");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlmModel.load(ModelConfig.of(missing)));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void anUnsupportedArchitectureIsAClearLoadError() throws Exception {
        byte[] bytes = Files.readAllBytes(LlmFixtures.model("stories260K.gguf"));
        // rename the architecture in place ("llama" -> "mamba", same length, so every offset stays valid)
        int key = indexOf(bytes, "general.architecture".getBytes(StandardCharsets.US_ASCII), 0);
        int value = indexOf(bytes, "llama".getBytes(StandardCharsets.US_ASCII), key + 20);
        System.arraycopy("mamba".getBytes(StandardCharsets.US_ASCII), 0, bytes, value, 5);
        Path patched = dir.resolve("mamba.gguf");
        Files.write(patched, bytes);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlmModel.load(ModelConfig.of(patched)));
        assertTrue(e.getMessage().contains("mamba") && e.getMessage().contains(patched.toString()), e.getMessage());
        // the supported architectures named are the engine's (phi3 is a chat template, not one of them)
        assertTrue(e.getMessage().contains("llama, qwen2, qwen3") && !e.getMessage().contains("phi3"), e.getMessage());
    }

    @Test
    void aDirectoryAsTheModelIsNamedAsOne() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlmModel.load(ModelConfig.of(dir)));
        assertTrue(e.getMessage().contains("a directory, not a GGUF model file") && !e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void aContextThatDoesNotFitInMemoryIsAClearLoadError() {
        ModelConfig huge = ModelConfig.of(LlmFixtures.model("stories260K.gguf")).withContextLength(1 << 26);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlmModel.load(huge));
        assertTrue(e.getMessage().contains("does not fit in memory") && e.getMessage().contains("stories260K.gguf"), e.getMessage());
    }

    @Test
    void aFileThatIsNotGgufIsAClearLoadError() throws Exception {
        Path junk = dir.resolve("junk.gguf");
        Files.writeString(junk, "this is not a model");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LlmModel.load(ModelConfig.of(junk)));
        assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + new String(needle, StandardCharsets.US_ASCII));
    }
}
