package dev.chrysalis.inference.sampling;

/**
 * How the next token is chosen from the logits.
 *
 * @param temperature   0 (or less) means greedy: always the most likely token
 * @param topK          keep only the k most likely tokens (0 = off)
 * @param topP          keep the smallest set of most likely tokens whose probability reaches p (1 = off)
 * @param minP          drop tokens less likely than {@code minP} times the most likely one (0 = off)
 * @param repeatPenalty divide positive / multiply negative logits of recently seen tokens (1 = off)
 * @param repeatLastN   how many recent tokens the repetition penalty looks at
 */
public record SamplingOptions(float temperature, int topK, float topP, float minP, float repeatPenalty, int repeatLastN) {

    public SamplingOptions {
        if (Float.isNaN(temperature)) {
            throw new IllegalArgumentException("temperature is NaN");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, was " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], was " + topP);
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new IllegalArgumentException("min-p must be in [0, 1), was " + minP);
        }
        if (!(repeatPenalty > 0)) {
            throw new IllegalArgumentException("repeat penalty must be > 0, was " + repeatPenalty);
        }
        if (repeatLastN < 0) {
            throw new IllegalArgumentException("repeat-last-n must be >= 0, was " + repeatLastN);
        }
    }

    /** Always the most likely token. */
    public static SamplingOptions greedy() {
        return new SamplingOptions(0f, 0, 1f, 0f, 1f, 64);
    }

    /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition penalty. */
    public static SamplingOptions defaults() {
        return new SamplingOptions(0.8f, 40, 0.95f, 0.05f, 1f, 64);
    }

    public SamplingOptions withTemperature(float t) {
        return new SamplingOptions(t, topK, topP, minP, repeatPenalty, repeatLastN);
    }

    public SamplingOptions withTopK(int k) {
        return new SamplingOptions(temperature, k, topP, minP, repeatPenalty, repeatLastN);
    }

    public SamplingOptions withTopP(float p) {
        return new SamplingOptions(temperature, topK, p, minP, repeatPenalty, repeatLastN);
    }

    public SamplingOptions withMinP(float p) {
        return new SamplingOptions(temperature, topK, topP, p, repeatPenalty, repeatLastN);
    }

    public SamplingOptions withRepeatPenalty(float penalty) {
        return new SamplingOptions(temperature, topK, topP, minP, penalty, repeatLastN);
    }

    public boolean isGreedy() {
        return temperature <= 0f;
    }
}
