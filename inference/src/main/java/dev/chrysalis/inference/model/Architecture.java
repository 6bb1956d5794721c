package dev.chrysalis.inference.model;

import java.util.Arrays;
import java.util.Optional;

/** The model families this engine runs, keyed by GGUF {@code general.architecture}. */
public enum Architecture {
    /** Llama 2/3/3.x, TinyLlama, SmolLM, Mistral: RoPE on adjacent pairs, no biases. */
    LLAMA("llama", RopeStyle.ADJACENT_PAIRS, false, false),
    /** Qwen2/2.5: biases on Q, K and V; RoPE on split halves (NeoX). */
    QWEN2("qwen2", RopeStyle.SPLIT_HALVES, true, false),
    /** Qwen3: RMS norm on each Q and K head before RoPE; no biases. */
    QWEN3("qwen3", RopeStyle.SPLIT_HALVES, false, true);

    /** How RoPE pairs the dimensions of a head. */
    public enum RopeStyle {
        /** (2i, 2i+1), llama.cpp's "normal" mode. */
        ADJACENT_PAIRS,
        /** (i, i + d/2), llama.cpp's "neox" mode. */
        SPLIT_HALVES
    }

    private final String ggufName;
    private final RopeStyle ropeStyle;
    private final boolean qkvBias;
    private final boolean qkNorm;

    Architecture(String ggufName, RopeStyle ropeStyle, boolean qkvBias, boolean qkNorm) {
        this.ggufName = ggufName;
        this.ropeStyle = ropeStyle;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    public static Optional<Architecture> fromGguf(String name) {
        return Arrays.stream(values()).filter(a -> a.ggufName.equals(name)).findFirst();
    }

    public String ggufName() {
        return ggufName;
    }

    public RopeStyle ropeStyle() {
        return ropeStyle;
    }

    public boolean qkvBias() {
        return qkvBias;
    }

    public boolean qkNorm() {
        return qkNorm;
    }
}
