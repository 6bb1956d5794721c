package dev.chrysalis.host.bench;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentSession;
import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.sandbox.turn.ServedBy;
import dev.chrysalis.sandbox.turn.TurnFailure;
import dev.chrysalis.spi.hook.ToolCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
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
    private final CallLog log = new CallLog();
    private final List<Thread> threads = new ArrayList<>();
    private CountDownLatch started;
    private AtomicLongArray completed;

    public SwapLoad(Agent agent, int sessions) {
        this.agent = Objects.requireNonNull(agent, "agent");
        if (sessions < 1 || sessions > Short.MAX_VALUE) {
            throw new IllegalArgumentException("sessions must be between 1 and " + Short.MAX_VALUE + ", not " + sessions);
        }
        this.sessions = sessions;
    }

    /** Starts the sessions; returns once each has completed its first call. */
    public void start() throws InterruptedException {
        running.set(true);
        started = new CountDownLatch(sessions);
        completed = new AtomicLongArray(sessions);
        for (int i = 0; i < sessions; i++) {
            int sessionNo = i;
            AgentSession session = agent.newSession();
            Thread t = Thread.ofVirtual().name("swap-load-" + i).start(() -> {
                long k = 0;
                boolean first = true;
                while (running.get() || first) {
                    long t0 = System.nanoTime();
                    CompletedTurn turn = session.ask("echo " + (sessionNo * 1_000_000_000L + k++));
                    log.add(sessionNo, t0, System.nanoTime(), turn);
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
        List<Call> all = log.calls();
        all.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
        return Collections.unmodifiableList(all);
    }

    /**
     * Every call the sessions made, kept in large primitive arrays until {@link #stop()}. Kept as one object
     * per call (as before), 100,000 calls held about 10 MB that every young collection copied again until it was
     * tenured: pauses of 14-24 ms, which landed in about one swap in twenty and so made the measured p99. Arrays
     * this large are allocated outside the young generation (G1 humongous regions) and never copied, so the bench
     * no longer adds its own pauses to what it measures.
     */
    private static final class CallLog {
        private static final int CHUNK_BITS = 20;
        private static final int CHUNK = 1 << CHUNK_BITS;

        /** One chunk: start and end times and, per call, its session and outcome packed into an int. */
        private record Chunk(long[] starts, long[] ends, int[] sessionAndOutcome) {
            Chunk() {
                this(new long[CHUNK], new long[CHUNK], new int[CHUNK]);
            }
        }

        /** The digest and version of the jar that served a call (empty when none did). */
        private record Outcome(String digest, String version) {
        }

        private final AtomicInteger next = new AtomicInteger();
        private final CopyOnWriteArrayList<Chunk> chunks = new CopyOnWriteArrayList<>();
        private final ConcurrentHashMap<Outcome, Integer> outcomeIds = new ConcurrentHashMap<>();
        private final CopyOnWriteArrayList<Outcome> outcomes = new CopyOnWriteArrayList<>();
        /** Errors by call slot: few, so a map. */
        private final ConcurrentHashMap<Integer, String> errors = new ConcurrentHashMap<>();

        // Plain loops, not streams: this runs for every call (~100,000 a second), and the bench's own garbage
        // (14% of all allocation with streams) brings the young collections it then measures inside swaps.
        void add(int session, long t0, long t1, CompletedTurn turn) {
            String digest = "";
            for (ServedBy s : turn.servedBy()) {
                if (s.role() == ServedBy.Role.SKILL) {
                    digest = s.digest();
                    break;
                }
            }
            String version = "";
            for (ToolCall c : turn.turn().toolCalls()) {
                if (c.output().isPresent()) {
                    version = c.output().get().path("version").asText("");
                    break;
                }
            }
            String error = turn.failures().isEmpty() ? ""
                    : turn.failures().stream().map(TurnFailure::message).collect(Collectors.joining("; "));
            int outcome = outcomeIds.computeIfAbsent(new Outcome(digest, version), o -> {
                synchronized (outcomes) {
                    outcomes.add(o);
                    return outcomes.size() - 1;
                }
            });
            if (outcome >= 1 << 16) {
                throw new IllegalStateException("more than 65,536 different jars answered");
            }
            int slot = next.getAndIncrement();
            if (!error.isEmpty()) {
                errors.put(slot, error);
            }
            Chunk c = chunk(slot >>> CHUNK_BITS);
            int i = slot & (CHUNK - 1);
            c.starts[i] = t0;
            c.ends[i] = t1;
            c.sessionAndOutcome[i] = session << 16 | outcome;
        }

        private Chunk chunk(int index) {
            while (chunks.size() <= index) {
                synchronized (chunks) {
                    if (chunks.size() <= index) {
                        chunks.add(new Chunk());
                    }
                }
            }
            return chunks.get(index);
        }

        /** The calls as records; only once every session has stopped. */
        List<Call> calls() {
            int n = next.get();
            List<Call> all = new ArrayList<>(n);
            for (int slot = 0; slot < n; slot++) {
                Chunk c = chunks.get(slot >>> CHUNK_BITS);
                int i = slot & (CHUNK - 1);
                int packed = c.sessionAndOutcome[i];
                Outcome o = outcomes.get(packed & 0xFFFF);
                all.add(new Call(packed >>> 16, c.starts[i], c.ends[i], o.digest(), o.version(), errors.getOrDefault(slot, "")));
            }
            return all;
        }
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
            // swaps run one after another, so those done before the call began are a prefix of the list
            int done = swapsDoneBefore(swaps, c.startNanos());
            String expected = done == 0 ? initialDigest : swaps.get(done - 1).toDigest();
            long nextStart = done < swaps.size() ? swaps.get(done).startNanos() : Long.MAX_VALUE;
            if (c.endNanos() < nextStart && !c.digest().equals(expected)) {
                stale++;
                note(examples, "stale: a call started after the swap to " + expected + " returned was served by " + c.digest());
            }
        }
        return new Verdict(calls.size(), failed, mismatched, stale, perVersion, examples);
    }

    /** How many of {@code swaps} (in order, none overlapping) were done before {@code nanos}. */
    private static int swapsDoneBefore(List<SwapMark> swaps, long nanos) {
        int lo = 0;
        int hi = swaps.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (swaps.get(mid).doneNanos() < nanos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void note(List<String> examples, String line) {
        if (examples.size() < 5) {
            examples.add(line);
        }
    }
}
