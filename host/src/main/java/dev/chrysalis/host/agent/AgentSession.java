package dev.chrysalis.host.agent;

import dev.chrysalis.sandbox.turn.TurnOutcome;
import dev.chrysalis.spi.brain.TurnRequest;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One conversation. Turns are numbered from 1 and run one at a time (a second {@link #ask} waits for the
 * first); different sessions run concurrently. The brain sees the last {@value #HISTORY_LIMIT} exchanges
 * (older ones stay in the evidence store), so a long session costs the same per turn as a short one.
 */
public final class AgentSession implements AutoCloseable {
    private final String id;
    private final Agent agent;
    public static final int HISTORY_LIMIT = 32;

    private final java.util.ArrayDeque<TurnRequest.Exchange> history = new java.util.ArrayDeque<>();
    /** Seeds for the skills' random sources; per session so concurrent sessions share no lock. */
    private final SplittableRandom seeds;
    private int nextTurn;

    AgentSession(String id, int nextTurn, Agent agent) {
        this.id = Objects.requireNonNull(id, "id");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.nextTurn = nextTurn;
        this.seeds = new SplittableRandom(agent.nextSeed());
    }

    public String id() {
        return id;
    }

    /** The index the next turn will get. */
    public synchronized int nextTurnIndex() {
        return nextTurn;
    }

    public CompletedTurn ask(String message) {
        return ask(message, partial -> { });
    }

    /**
     * Runs one turn and returns it after the recorder stored it.
     *
     * @param partials receives parts of the answer as a streaming brain produces them
     * @throws IllegalArgumentException  when the message is blank
     * @throws TurnNotRecordedException  when the turn was answered but could not be stored
     */
    public synchronized CompletedTurn ask(String message, Consumer<String> partials) {
        Objects.requireNonNull(message, "message");
        if (message.isBlank()) {
            throw new IllegalArgumentException("session " + id + ": the message is empty");
        }
        int index = nextTurn++;
        TurnOutcome outcome = agent.pipeline().run(id, index, message, List.copyOf(history), partials, this::nextSeed);
        CompletedTurn turn = new CompletedTurn(id, index, outcome.started(), outcome.finished(), outcome.brain(),
                outcome.turn(), outcome.servedBy(), outcome.failures());
        history.addLast(new TurnRequest.Exchange(turn.turn().userMessage(), turn.answer()));
        if (history.size() > HISTORY_LIMIT) {
            history.removeFirst();
        }
        try {
            agent.recorder().record(turn);
        } catch (RuntimeException e) {
            throw new TurnNotRecordedException(turn, e);
        }
        return turn;
    }

    private long nextSeed() {
        synchronized (seeds) {
            return seeds.nextLong();
        }
    }

    @Override
    public void close() {
        agent.closed(this);
    }
}
