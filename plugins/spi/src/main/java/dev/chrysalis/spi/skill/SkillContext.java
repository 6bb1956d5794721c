package dev.chrysalis.spi.skill;

import java.nio.file.Path;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Everything a skill may use from the outside world during one invocation. The host provides it;
 * replays provide the recorded clock and random seed, so a skill that only uses this context is
 * deterministic.
 */
@ProviderType
public interface SkillContext {

    /** The skill's scratch workspace; file-using skills must stay inside it. */
    Path workspace();

    /** The clock to read "now" from (never {@code System.currentTimeMillis()}). */
    Clock clock();

    /** The random source to use (never {@code new Random()}). */
    RandomGenerator random();

    SkillLimits limits();

    System.Logger logger();
}
