package dev.chrysalis.evolution.mutate.llm;

import dev.chrysalis.inference.sampling.SamplingOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The LLM coder's model and decoding. With the same model, settings, seed and inputs it writes the same edits.
 *
 * @param model         a GGUF file
 * @param contextLength positions of the coder's session (0 = the model's own, capped by the engine)
 * @param threads       compute threads (0 = one per core)
 * @param chatTemplate  a template name when the model's metadata does not identify one (llama3, llama2, chatml, phi3, zephyr)
 * @param sampling      how tokens are chosen (greedy by default)
 * @param seed          the sampler's seed; each attempt derives its own from it, the batch and the source
 * @param maxTokens     generation budget of one answer (the edit format's string caps are derived from it)
 * @param attempts      answers asked per node of the candidate tree: the first, then ones told why the
 *                      previous answer was refused or did not compile
 */
public record LlmCoderSettings(Path model, int contextLength, int threads, Optional<String> chatTemplate, SamplingOptions sampling,
                               long seed, int maxTokens, int attempts) {
    public LlmCoderSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
        Objects.requireNonNull(sampling, "sampling");
        if (contextLength < 0) {
            throw new IllegalArgumentException("coder context length must be >= 0, got " + contextLength);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("coder threads must be >= 0, got " + threads);
        }
        if (maxTokens < 64) {
            throw new IllegalArgumentException("coder token budget must be at least 64, got " + maxTokens);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("coder attempts per node must be at least 1, got " + attempts);
        }
    }

    /** Greedy decoding, seed 0, a 4096-token context, 768 tokens per answer, two attempts per node. */
    public static LlmCoderSettings of(Path model) {
        return new LlmCoderSettings(model, 4096, 0, Optional.empty(), SamplingOptions.greedy(), 0, 768, 2);
    }

    public LlmCoderSettings withSampling(SamplingOptions s, long newSeed) {
        return new LlmCoderSettings(model, contextLength, threads, chatTemplate, s, newSeed, maxTokens, attempts);
    }

    public LlmCoderSettings withContextLength(int n) {
        return new LlmCoderSettings(model, n, threads, chatTemplate, sampling, seed, maxTokens, attempts);
    }

    public LlmCoderSettings withThreads(int n) {
        return new LlmCoderSettings(model, contextLength, n, chatTemplate, sampling, seed, maxTokens, attempts);
    }

    public LlmCoderSettings withMaxTokens(int n) {
        return new LlmCoderSettings(model, contextLength, threads, chatTemplate, sampling, seed, n, attempts);
    }

    public LlmCoderSettings withAttempts(int n) {
        return new LlmCoderSettings(model, contextLength, threads, chatTemplate, sampling, seed, maxTokens, n);
    }

    public LlmCoderSettings withChatTemplate(String name) {
        return new LlmCoderSettings(model, contextLength, threads, Optional.of(name), sampling, seed, maxTokens, attempts);
    }
}
