package dev.chrysalis.host.agent;

import dev.chrysalis.host.runtime.PluginServices;
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
 * The agent loop: opens sessions and runs their turns against the live plugins. A turn runs the beforeTurn
 * hooks (ascending priority), lets the {@link Brain} decide (the default brain asks the current router and
 * invokes the chosen skill under the limits), runs the afterTurn hooks, and hands the finished turn with
 * every tool call's exact input and output, the SHA-256 of every bundle that served it and its failures to
 * the {@link TurnRecorder}. Nothing a plugin throws escapes a turn.
 */
public final class Agent {
    private final PluginServices plugins;
    private final Brain brain;
    private final TurnRecorder recorder;
    private final Clock clock;
    private final RandomGenerator random;
    private final AgentConfig config;
    private final Map<String, AgentSession> sessions = new ConcurrentHashMap<>();

    public Agent(PluginServices plugins, Brain brain, TurnRecorder recorder, Clock clock, RandomGenerator random,
                 AgentConfig config) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.brain = Objects.requireNonNull(brain, "brain");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.config = Objects.requireNonNull(config, "config");
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

    PluginServices plugins() {
        return plugins;
    }

    Brain brain() {
        return brain;
    }

    TurnRecorder recorder() {
        return recorder;
    }

    Clock clock() {
        return clock;
    }

    AgentConfig config() {
        return config;
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
