package dev.chrysalis.host.agent;

import dev.chrysalis.host.runtime.PluginServices;
import dev.chrysalis.sandbox.turn.TurnEnvironment;
import dev.chrysalis.sandbox.turn.TurnPipeline;
import dev.chrysalis.spi.brain.Brain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The agent loop: opens sessions and runs their turns against the live plugins through the shared
 * {@link TurnPipeline} (beforeTurn hooks in ascending priority, the {@link Brain} (the default brain asks the
 * current router and invokes the chosen skill under the limits), afterTurn hooks), and hands the finished turn with
 * every tool call's exact input and output, the SHA-256 of every bundle that served it and its failures to
 * the {@link TurnRecorder}. Nothing a plugin throws escapes a turn.
 */
public final class Agent {
    private final Brain brain;
    private final TurnRecorder recorder;
    private final RandomGenerator random;
    private final TurnPipeline pipeline;
    private final Map<String, AgentSession> sessions = new ConcurrentHashMap<>();

    public Agent(PluginServices plugins, Brain brain, TurnRecorder recorder, Clock clock, RandomGenerator random,
                 AgentConfig config) {
        Objects.requireNonNull(plugins, "plugins");
        this.brain = Objects.requireNonNull(brain, "brain");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        Objects.requireNonNull(config, "config");
        this.pipeline = new TurnPipeline(new RuntimeTurnPlugins(plugins), brain,
                new TurnEnvironment(config.workspace(), config.hookWorkspace(), clock, config.limits()));
        try {
            Files.createDirectories(config.workspace());
            Files.createDirectories(config.hookWorkspace());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the agent workspaces " + config.workspace() + ", "
                    + config.hookWorkspace() + ": " + e.getMessage(), e);
        }
    }

    /** A new session with a fresh id ({@code s-} and 16 hex digits from the injected random source). */
    public AgentSession newSession() {
        while (true) {
            String id;
            synchronized (random) {
                id = "s-" + HexFormat.of().toHexDigits(random.nextLong());
            }
            AgentSession session = new AgentSession(id, 1, this);
            if (sessions.putIfAbsent(id, session) == null) {
                return session;
            }
        }
    }

    /**
     * Continues a session recorded earlier (e.g. before a restart): its next turn gets {@code nextTurnIndex}.
     *
     * @throws IllegalArgumentException when that session is already open here or the index is below 1
     */
    public AgentSession resumeSession(String id, int nextTurnIndex) {
        if (nextTurnIndex < 1) {
            throw new IllegalArgumentException("session " + id + ": next turn index must be at least 1, not " + nextTurnIndex);
        }
        AgentSession session = new AgentSession(id, nextTurnIndex, this);
        if (sessions.putIfAbsent(id, session) != null) {
            throw new IllegalArgumentException("session " + id + " is already open");
        }
        return session;
    }

    public Optional<AgentSession> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public String brainName() {
        return brain.name();
    }

    /** The turn pipeline every session's turns run through (the same one trial workers replay turns with). */
    TurnPipeline pipeline() {
        return pipeline;
    }

    TurnRecorder recorder() {
        return recorder;
    }

    long nextSeed() {
        synchronized (random) {
            return random.nextLong();
        }
    }

    void closed(AgentSession session) {
        sessions.remove(session.id(), session);
    }
}
