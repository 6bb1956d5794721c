package dev.chrysalis.spi.skill;

import java.time.Duration;

/**
 * Limits the host enforces on one invocation; skills read them to bound their own work
 * (e.g. how many bytes of a file to read).
 *
 * @param timeout        wall-clock time after which the invocation is abandoned and recorded as a failure
 * @param maxOutputChars the largest text a skill should put into its output
 * @param maxReadBytes   the most bytes a skill should read from its workspace for one call
 */
public record SkillLimits(Duration timeout, int maxOutputChars, long maxReadBytes) {
    public static final SkillLimits DEFAULT = new SkillLimits(Duration.ofSeconds(10), 64 * 1024, 8L * 1024 * 1024);

    public SkillLimits {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (maxOutputChars <= 0 || maxReadBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxOutputChars + ", " + maxReadBytes);
        }
    }
}
