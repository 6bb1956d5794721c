package dev.chrysalis.host.bench;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentSession;
import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.sandbox.turn.ServedBy;
import dev.chrysalis.sandbox.turn.TurnFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Sessions asking the bench skill continuously (through the agent, one turn per call) while swaps happen,
 * and the check of what they saw: no failed call, every answer from the version whose bundle served it,
 * and every call that started after a swap returned (and ended before the next began) served by the new jar.
 * Shared by {@link SwapBenchmark} and the swap tests. Agent must use {@link BenchBrain}.
 */
public final class SwapLoad {
    /** How long a session pauses between calls. */
    static final long THINK_NANOS = 20_000;

    /** One call as a session saw it; {@code digest} and {@code version} are empty when no skill answered. */
    public record Call(int session, long startNanos, long endNanos, String digest, String version, String error) {
    }

    /** A swap's window: from the call to swap() to its return, and the digest it made live. */
    public record SwapMark(long startNanos, long doneNanos, String toDigest) {
    }

    /**
     * What the calls show.
     *
     * @param mismatched answers whose version is not the one of the jar that served them
     * @param stale      calls that started after a swap returned and ended before the next one began, yet
     *                   were served by another jar than that swap's
     */
    public record Verdict(long calls, long failed, long mismatched, long stale, Map<String, Long> callsPerVersion,
                          List<String> examples) {
        public boolean clean() {
            return failed == 0 && mismatched == 0 && stale == 0;
        }
    }

    private final Agent agent;
    private final int sessions;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<List<Call>> perSession = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private CountDownLatch started;
    private java.util.concurrent.atomic.AtomicLongArray completed;

    public SwapLoad(Agent agent, int sessions) {
        this.agent = Objects.requireNonNull(agent, "agent");
        if (sessions < 1) {
            throw new IllegalArgumentException("sessions must be at least 1, not " + sessions);
        }
        this.sessions = sessions;
    }

    /** Starts the sessions; returns once each has completed its first call. */
    public void start() throws InterruptedException {
        running.set(true);
        started = new CountDownLatch(sessions);
        completed = new java.util.concurrent.atomic.AtomicLongArray(sessions);
        for (int i = 0; i < sessions; i++) {
            List<Call> calls = new ArrayList<>();
            perSession.add(calls);
            int sessionNo = i;
            AgentSession session = agent.newSession();
            Thread t = Thread.ofVirtual().name("swap-load-" + i).start(() -> {
                long k = 0;
                boolean first = true;
                while (running.get() || first) {
                    long t0 = System.nanoTime();
                    CompletedTurn turn = session.ask("echo " + (sessionNo * 1_000_000_000L + k++));
                    calls.add(toCall(sessionNo, t0, System.nanoTime(), turn));
                    completed.incrementAndGet(sessionNo);
                    if (first) {
                        first = false;
                        started.countDown();
                    }
                    // A moment's thought between calls. Sessions that never block keep the virtual-thread scheduler's
                    // local queues full, and a session woken from a monitor (e.g. Jackson's serializer cache on the
                    // first calls) waits in its external queue: seen starving for 100 s. A timed park goes through
                    // that queue, so every waiting session gets its turn.
                    LockSupport.parkNanos(THINK_NANOS);
                }
            });
            threads.add(t);
        }
        started.await();
    }

    /**
     * Waits until every session has completed {@code rounds} more calls than now; with {@code rounds >= 2}
     * each session has then made at least one call that started after this method was called.
     *
     * @return false when {@code timeout} passed first
     */
    public boolean awaitRounds(int rounds, java.time.Duration timeout) throws InterruptedException {
        long[] target = new long[sessions];
        for (int i = 0; i < sessions; i++) {
            target[i] = completed.get(i) + rounds;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < sessions; i++) {
            while (completed.get(i) < target[i]) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.sleep(1);
            }
        }
        return true;
    }

    /** Stops the sessions after their current call; returns every call in start order. */
    public List<Call> stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        List<Call> all = new ArrayList<>();
        perSession.forEach(all::addAll);
        all.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        return Collections.unmodifiableList(all);
    }

    private static Call toCall(int session, long t0, long t1, CompletedTurn turn) {
        String digest = turn.servedBy().stream().filter(s -> s.role() == ServedBy.Role.SKILL)
                .map(ServedBy::digest).findFirst().orElse("");
        String version = turn.turn().toolCalls().stream().flatMap(c -> c.output().stream())
                .map(o -> o.path("version").asText("")).findFirst().orElse("");
        String error = turn.failures().stream().map(TurnFailure::message).collect(Collectors.joining("; "));
        return new Call(session, t0, t1, digest, version, error);
    }

    /**
     * Checks the calls against the swaps.
     *
     * @param versionOf digest -> the version that jar answers with
     */
    public static Verdict check(List<Call> calls, List<SwapMark> swaps, String initialDigest,
                                Map<String, String> versionOf) {
        long failed = 0;
        long mismatched = 0;
        long stale = 0;
        Map<String, Long> perVersion = new TreeMap<>();
        List<String> examples = new ArrayList<>();
        for (Call c : calls) {
            if (!c.error().isEmpty() || c.digest().isEmpty()) {
                failed++;
                note(examples, "failed: session " + c.session() + ": " + c.error());
                continue;
            }
            perVersion.merge(c.version(), 1L, Long::sum);
            if (!c.version().equals(versionOf.get(c.digest()))) {
                mismatched++;
                note(examples, "version " + c.version() + " answered from jar " + c.digest());
            }
            String expected = initialDigest;
            long nextStart = Long.MAX_VALUE;
            for (int i = 0; i < swaps.size(); i++) {
                if (swaps.get(i).doneNanos() < c.startNanos()) {
                    expected = swaps.get(i).toDigest();
                    nextStart = i + 1 < swaps.size() ? swaps.get(i + 1).startNanos() : Long.MAX_VALUE;
                } else {
                    if (nextStart == Long.MAX_VALUE || swaps.get(i).startNanos() < nextStart) {
                        nextStart = Math.min(nextStart, swaps.get(i).startNanos());
                    }
                    break;
                }
            }
            if (c.endNanos() < nextStart && !c.digest().equals(expected)) {
                stale++;
                note(examples, "stale: a call started after the swap to " + expected + " returned was served by " + c.digest());
            }
        }
        return new Verdict(calls.size(), failed, mismatched, stale, perVersion, examples);
    }

    private static void note(List<String> examples, String line) {
        if (examples.size() < 5) {
            examples.add(line);
        }
    }
}
