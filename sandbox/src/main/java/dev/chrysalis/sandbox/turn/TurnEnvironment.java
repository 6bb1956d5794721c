package dev.chrysalis.sandbox.turn;

import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * What a turn runs in.
 *
 * @param skillWorkspace the skills' workspace (files and csv skills read inside it)
 * @param hookWorkspace  where hooks keep their files, one folder per hook
 * @param clock          "now" for the brain, the skills and the hooks (fixed at the recorded instant in a replay)
 * @param limits         enforced on every skill call (timeout, output size) and lent to the skills
 */
public record TurnEnvironment(Path skillWorkspace, Path hookWorkspace, Clock clock, SkillLimits limits) {
    public TurnEnvironment {
        Objects.requireNonNull(skillWorkspace, "skillWorkspace");
        Objects.requireNonNull(hookWorkspace, "hookWorkspace");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(limits, "limits");
    }
}
