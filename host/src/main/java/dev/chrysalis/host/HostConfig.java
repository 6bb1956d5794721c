package dev.chrysalis.host;

import dev.chrysalis.sandbox.turn.DefaultBrain;
import dev.chrysalis.host.agent.TurnRecorder;
import dev.chrysalis.host.runtime.BundleEventListener;
import dev.chrysalis.host.runtime.RuntimeConfig;
import dev.chrysalis.spi.brain.Brain;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How to start a {@link Host}. The recorder and listener are where turns and plugin changes go (the
 * evidence store); the defaults store nothing.
 *
 * @param dataDir    everything the host keeps: bundle cache, swapped plugins, workspaces, the evidence database
 * @param bundlesDir base bundles and shipped plugins ({@code -Dchrysalis.bundles})
 */
public record HostConfig(Path dataDir, Path bundlesDir, Clock clock, RandomGenerator random, Brain brain,
                         SkillLimits limits, TurnRecorder recorder, BundleEventListener listener) {
    public HostConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bundlesDir, "bundlesDir");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(brain, "brain");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(recorder, "recorder");
        Objects.requireNonNull(listener, "listener");
    }

    /** UTC clock, a securely seeded random source, the default brain and limits, nothing recorded. */
    public static HostConfig of(Path dataDir, Path bundlesDir) {
        return new HostConfig(dataDir, bundlesDir, Clock.systemUTC(), new SecureRandom(), new DefaultBrain(),
                SkillLimits.DEFAULT, TurnRecorder.none(), BundleEventListener.none());
    }

    /** As {@link #of} with the bundles folder from {@code -Dchrysalis.bundles}. */
    public static HostConfig of(Path dataDir) {
        return of(dataDir, RuntimeConfig.defaultBundlesDir());
    }

    public HostConfig withClock(Clock newClock) {
        return new HostConfig(dataDir, bundlesDir, newClock, random, brain, limits, recorder, listener);
    }

    public HostConfig withRandom(RandomGenerator newRandom) {
        return new HostConfig(dataDir, bundlesDir, clock, newRandom, brain, limits, recorder, listener);
    }

    public HostConfig withBrain(Brain newBrain) {
        return new HostConfig(dataDir, bundlesDir, clock, random, newBrain, limits, recorder, listener);
    }

    public HostConfig withLimits(SkillLimits newLimits) {
        return new HostConfig(dataDir, bundlesDir, clock, random, brain, newLimits, recorder, listener);
    }

    public HostConfig withRecorder(TurnRecorder newRecorder) {
        return new HostConfig(dataDir, bundlesDir, clock, random, brain, limits, newRecorder, listener);
    }

    public HostConfig withListener(BundleEventListener newListener) {
        return new HostConfig(dataDir, bundlesDir, clock, random, brain, limits, recorder, newListener);
    }
}
