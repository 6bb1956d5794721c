package dev.chrysalis.inference.engine;

import dev.chrysalis.inference.sampling.LogitsProcessor;
import dev.chrysalis.inference.sampling.SamplingOptions;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * One generation: the full prompt as token ids (earlier turns included: the session reuses whatever
 * prefix it already holds), how to sample, and when to stop.
 *
 * @param stopTokens generation ends after emitting one of these (the token is reported and returned)
 * @param processors applied in order before every sampling step (constraints, penalties)
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, SamplingOptions sampling, RandomGenerator random,
                                Set<Integer> stopTokens, List<LogitsProcessor> processors) {

    public GenerationRequest {
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, was " + maxTokens);
        }
        promptTokens = promptTokens.clone();
        stopTokens = Set.copyOf(stopTokens);
        processors = List.copyOf(processors);
    }

    /** Greedy generation of up to {@code maxTokens} with no stop tokens. */
    public static GenerationRequest greedy(int[] prompt, int maxTokens) {
        return new GenerationRequest(prompt, maxTokens, SamplingOptions.greedy(), new SplittableRandom(0), Set.of(), List.of());
    }

    public GenerationRequest withSampling(SamplingOptions s, long seed) {
        return new GenerationRequest(promptTokens, maxTokens, s, new SplittableRandom(seed), stopTokens, processors);
    }

    public GenerationRequest withStopTokens(Set<Integer> stops) {
        return new GenerationRequest(promptTokens, maxTokens, sampling, random, stops, processors);
    }

    public GenerationRequest withProcessors(List<LogitsProcessor> p) {
        return new GenerationRequest(promptTokens, maxTokens, sampling, random, stopTokens, p);
    }

    @Override
    public int[] promptTokens() {
        return promptTokens.clone();
    }
}
