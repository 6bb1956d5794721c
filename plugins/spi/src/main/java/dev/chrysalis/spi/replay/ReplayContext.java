package dev.chrysalis.spi.replay;

import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** The context a replayed call runs in: the recorded clock (fixed, UTC) and a generator seeded as recorded. */
public record ReplayContext(Path workspace, Clock clock, RandomGenerator random, SkillLimits limits,
                            System.Logger logger) implements SkillContext {

    public static ReplayContext forCase(ReplayCase c, Path workspace) {
        return new ReplayContext(workspace, Clock.fixed(c.clock(), ZoneOffset.UTC), new SplittableRandom(c.seed()),
                SkillLimits.DEFAULT, System.getLogger("dev.chrysalis.replay." + c.skill()));
    }
}
