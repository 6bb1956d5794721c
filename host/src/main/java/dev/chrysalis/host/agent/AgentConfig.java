package dev.chrysalis.host.agent;

import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * @param workspace      the skills' scratch workspace (files and csv skills read inside it)
 * @param hookWorkspace  where hooks keep their files (one folder per hook)
 * @param limits         enforced on every skill call (timeout) and lent to skills (output and read sizes)
 */
public record AgentConfig(Path workspace, Path hookWorkspace, SkillLimits limits) {
    public AgentConfig {
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(hookWorkspace, "hookWorkspace");
        Objects.requireNonNull(limits, "limits");
    }

    /** {@code <dataDir>/workspace} and {@code <dataDir>/hooks} with the default limits. */
    public static AgentConfig under(Path dataDir) {
        return new AgentConfig(dataDir.resolve("workspace"), dataDir.resolve("hooks"), SkillLimits.DEFAULT);
    }

    public AgentConfig withLimits(SkillLimits newLimits) {
        return new AgentConfig(workspace, hookWorkspace, newLimits);
    }
}
