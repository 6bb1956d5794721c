package dev.chrysalis.host.llm;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.model.KvCacheType;
import dev.chrysalis.inference.sampling.SamplingOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Everything the LLM brain needs to load and run a model, kept in one properties file
 * ({@code <dataDir>/model.properties}):
 *
 * <pre>
 * model.path=/models/Llama-3.2-1B-Instruct-Q8_0.gguf   # required; relative paths resolve against the file's folder
 * context.length=4096        # positions per session (0 = model's trained context, capped at 4096)
 * kv.type=f16                # f32, f16 or q8_0
 * threads=0                  # 0 = one per core
 * sampling.temperature=0.7
 * sampling.top_k=40
 * sampling.top_p=0.95
 * sampling.min_p=0.05
 * sampling.repeat_penalty=1.0
 * seed=42
 * chat.template=             # empty = detected from the model (llama3, llama2, chatml, phi3, zephyr)
 * max.answer.tokens=512
 * max.tool.tokens=384
 * max.sessions=4             # engine sessions (KV caches) kept for concurrent agent sessions
 * device=auto                # auto (a CUDA GPU of compute capability 8.0+ when present, else the CPU), cpu or cuda
 * </pre>
 */
public record ModelConfig(Path modelPath, int contextLength, KvCacheType kvCacheType, int threads,
                          SamplingOptions sampling, long seed, Optional<String> chatTemplate,
                          int maxAnswerTokens, int maxToolTokens, int maxSessions, Device device) {

    public static final String FILE_NAME = "model.properties";
    private static final Set<String> KEYS = Set.of("model.path", "context.length", "kv.type", "threads",
            "sampling.temperature", "sampling.top_k", "sampling.top_p", "sampling.min_p", "sampling.repeat_penalty",
            "seed", "chat.template", "max.answer.tokens", "max.tool.tokens", "max.sessions", "device");

    public ModelConfig {
        Objects.requireNonNull(modelPath, "modelPath");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        Objects.requireNonNull(device, "device");
        positive("context.length", contextLength, true);
        positive("threads", threads, true);
        positive("max.answer.tokens", maxAnswerTokens, false);
        positive("max.tool.tokens", maxToolTokens, false);
        positive("max.sessions", maxSessions, false);
    }

    /** Defaults for a model file: context 4096, F16 KV cache, all cores, temperature 0.7, seed 42, a GPU when present. */
    public static ModelConfig of(Path modelPath) {
        return new ModelConfig(modelPath, 4096, KvCacheType.F16, 0, SamplingOptions.defaults().withTemperature(0.7f), 42,
                Optional.empty(), 512, 384, 4, Device.AUTO);
    }

    public ModelConfig withContextLength(int n) {
        return new ModelConfig(modelPath, n, kvCacheType, threads, sampling, seed, chatTemplate, maxAnswerTokens, maxToolTokens, maxSessions, device);
    }

    public ModelConfig withThreads(int n) {
        return new ModelConfig(modelPath, contextLength, kvCacheType, n, sampling, seed, chatTemplate, maxAnswerTokens, maxToolTokens, maxSessions, device);
    }

    public ModelConfig withSampling(SamplingOptions s, long newSeed) {
        return new ModelConfig(modelPath, contextLength, kvCacheType, threads, s, newSeed, chatTemplate, maxAnswerTokens, maxToolTokens, maxSessions, device);
    }

    public ModelConfig withMaxAnswerTokens(int n) {
        return new ModelConfig(modelPath, contextLength, kvCacheType, threads, sampling, seed, chatTemplate, n, maxToolTokens, maxSessions, device);
    }

    public ModelConfig withChatTemplate(String name) {
        return new ModelConfig(modelPath, contextLength, kvCacheType, threads, sampling, seed, Optional.of(name), maxAnswerTokens, maxToolTokens, maxSessions, device);
    }

    public ModelConfig withDevice(Device d) {
        return new ModelConfig(modelPath, contextLength, kvCacheType, threads, sampling, seed, chatTemplate, maxAnswerTokens, maxToolTokens, maxSessions, d);
    }

    public ModelConfig withModelPath(Path path) {
        return new ModelConfig(path, contextLength, kvCacheType, threads, sampling, seed, chatTemplate, maxAnswerTokens, maxToolTokens, maxSessions, device);
    }

    /**
     * The configuration for {@code ./chrysalis shell --model M.gguf}: the settings of {@code <dataDir>/model.properties}
     * when that file exists (its {@code model.path} replaced by {@code modelFile}), else the defaults for the file.
     *
     * @throws ModelConfigException when the existing file is malformed
     */
    public static ModelConfig forModelFile(Path modelFile, Path dataDir) {
        Path file = fileIn(dataDir);
        if (!Files.isRegularFile(file)) {
            return of(modelFile);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelConfigException("model configuration " + file + " cannot be read: " + e.getMessage());
        }
        // the given model replaces (or supplies) model.path; every other setting comes from the file
        p.setProperty("model.path", modelFile.toAbsolutePath().toString());
        return parse(p, file).withModelPath(modelFile);
    }



    /** {@code <dataDir>/model.properties}. */
    public static Path fileIn(Path dataDir) {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Reads a configuration file.
     *
     * @throws ModelConfigException naming the file and key when the file is missing, a key is unknown,
     *                              {@code model.path} is absent or a value does not parse
     */
    public static ModelConfig read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ModelConfigException("model configuration " + file + " does not exist (write model.path=<file.gguf> into it)");
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelConfigException("model configuration " + file + " cannot be read: " + e.getMessage());
        }
        return parse(p, file);
    }

    private static ModelConfig parse(Properties p, Path file) {
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key)) {
                throw new ModelConfigException(file + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String model = p.getProperty("model.path", "").strip();
        if (model.isEmpty()) {
            throw new ModelConfigException(file + ": model.path is required (the GGUF model file)");
        }
        Path base = file.toAbsolutePath().getParent();
        Path modelPath = base == null ? Path.of(model) : base.resolve(model);
        ModelConfig d = of(modelPath);
        try {
            String kv = p.getProperty("kv.type", d.kvCacheType().name()).strip();
            KvCacheType kvType = KvCacheType.parse(kv).orElseThrow(() ->
                    new ModelConfigException(file + ": kv.type '" + kv + "' is not one of f32, f16, q8_0"));
            SamplingOptions s = new SamplingOptions(
                    floatOf(p, file, "sampling.temperature", d.sampling().temperature()),
                    intOf(p, file, "sampling.top_k", d.sampling().topK()),
                    floatOf(p, file, "sampling.top_p", d.sampling().topP()),
                    floatOf(p, file, "sampling.min_p", d.sampling().minP()),
                    floatOf(p, file, "sampling.repeat_penalty", d.sampling().repeatPenalty()),
                    d.sampling().repeatLastN());
            String template = p.getProperty("chat.template", "").strip();
            return new ModelConfig(modelPath, intOf(p, file, "context.length", d.contextLength()), kvType,
                    intOf(p, file, "threads", d.threads()), s, longOf(p, file, "seed", d.seed()),
                    template.isEmpty() ? Optional.empty() : Optional.of(template),
                    intOf(p, file, "max.answer.tokens", d.maxAnswerTokens()), intOf(p, file, "max.tool.tokens", d.maxToolTokens()),
                    intOf(p, file, "max.sessions", d.maxSessions()), Device.parse(p.getProperty("device", d.device().flag())));
        } catch (IllegalArgumentException e) {
            throw new ModelConfigException(file + ": " + e.getMessage());
        }
    }

    /** Writes this configuration as a properties file (the format {@link #read} takes). */
    public void write(Path file) throws IOException {
        String text = "# Chrysalis LLM brain configuration\n"
                + "model.path=" + modelPath.toString().replace("\\", "\\\\") + "\n"
                + "context.length=" + contextLength + "\n"
                + "kv.type=" + kvCacheType.name().toLowerCase(Locale.ROOT) + "\n"
                + "threads=" + threads + "\n"
                + "sampling.temperature=" + sampling.temperature() + "\n"
                + "sampling.top_k=" + sampling.topK() + "\n"
                + "sampling.top_p=" + sampling.topP() + "\n"
                + "sampling.min_p=" + sampling.minP() + "\n"
                + "sampling.repeat_penalty=" + sampling.repeatPenalty() + "\n"
                + "seed=" + seed + "\n"
                + "chat.template=" + chatTemplate.orElse("") + "\n"
                + "max.answer.tokens=" + maxAnswerTokens + "\n"
                + "max.tool.tokens=" + maxToolTokens + "\n"
                + "max.sessions=" + maxSessions + "\n"
                + "device=" + device.flag() + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void positive(String key, int value, boolean zeroOk) {
        if (value < 0 || (!zeroOk && value == 0)) {
            throw new IllegalArgumentException(key + " must be " + (zeroOk ? ">= 0" : "> 0") + ", was " + value);
        }
    }

    private static int intOf(Properties p, Path file, String key, int dflt) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ModelConfigException(file + ": " + key + " '" + v.strip() + "' is not an integer");
        }
    }

    private static long longOf(Properties p, Path file, String key, long dflt) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new ModelConfigException(file + ": " + key + " '" + v.strip() + "' is not an integer");
        }
    }

    private static float floatOf(Properties p, Path file, String key, float dflt) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Float.parseFloat(v.strip());
        } catch (NumberFormatException e) {
            throw new ModelConfigException(file + ": " + key + " '" + v.strip() + "' is not a number");
        }
    }
}
