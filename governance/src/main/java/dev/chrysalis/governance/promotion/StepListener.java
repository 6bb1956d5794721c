package dev.chrysalis.governance.promotion;

/**
 * Told about every step of a promotion as it completes ({@code journal:shadow:begin}, {@code effect:shadow},
 * {@code audit:shadow}, {@code journal:shadow:done}, {@code observe:canary}, ...). For metrics, tracing and
 * crash testing; it must not throw.
 */
@FunctionalInterface
public interface StepListener {
    StepListener NONE = step -> { };

    void reached(String step);
}
