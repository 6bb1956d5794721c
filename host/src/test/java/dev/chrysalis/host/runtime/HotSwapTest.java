package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentConfig;
import dev.chrysalis.host.agent.TurnRecorder;
import dev.chrysalis.host.bench.BenchBrain;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.bench.SwapLoad;
import dev.chrysalis.host.testplugins.TestPlugins;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hot swap and rollback of a skill bundle while 32 sessions call it through the agent, on a real Felix. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HotSwapTest {

    @TempDir
    Path temp;

    @Test
    void swapAndRollbackUnder32ConcurrentSessionsFailNoCallAndLaterCallsGetTheNewVersion() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        Path v2 = BenchBundles.write(temp.resolve("v2"), "2.0.0");
        List<PluginEvent> events = new CopyOnWriteArrayList<>();
        RuntimeConfig config = RuntimeConfig.of(temp.resolve("data"), TestPlugins.bundlesDir(temp.resolve("bundles"), v1))
                .withListener(events::add);
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            String d1 = runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME);
            Agent agent = new Agent(runtime, new BenchBrain(), TurnRecorder.none(), Clock.systemUTC(),
                    new SplittableRandom(7), AgentConfig.under(temp.resolve("data")));
            SwapLoad load = new SwapLoad(agent, 32);
            load.start();
            assertTrue(load.awaitRounds(2, Duration.ofSeconds(60)), "every session calls before the swap");
            long s0 = System.nanoTime();
            SwapReport swap = runtime.swap(BenchBundles.SKILL, v2);
            SwapLoad.SwapMark swapMark = new SwapLoad.SwapMark(s0, System.nanoTime(), swap.toDigest());
            assertTrue(load.awaitRounds(2, Duration.ofSeconds(60)), "every session calls after the swap");
            long r0 = System.nanoTime();
            SwapReport rollback = runtime.rollback(BenchBundles.SKILL);
            SwapLoad.SwapMark rollbackMark = new SwapLoad.SwapMark(r0, System.nanoTime(), rollback.toDigest());
            assertTrue(load.awaitRounds(2, Duration.ofSeconds(60)), "every session calls after the rollback");
            List<SwapLoad.Call> calls = load.stop();

            String d2 = swap.toDigest();
            SwapLoad.Verdict verdict = SwapLoad.check(calls, List.of(swapMark, rollbackMark), d1,
                    Map.of(d1, "1.0.0", d2, "2.0.0"));
            assertEquals(0, verdict.failed(), "failed calls: " + verdict.examples());
            assertEquals(0, verdict.mismatched(), "answers from another version than the serving jar: " + verdict.examples());
            assertEquals(0, verdict.stale(), "calls after a swap served by the old jar: " + verdict.examples());
            assertTrue(calls.stream().allMatch(c -> c.version().equals("1.0.0") || c.version().equals("2.0.0")));
            assertTrue(countBetween(calls, 0, swapMark.startNanos(), "1.0.0") > 0, "calls before the swap got 1.0.0");
            assertEquals(32, calls.stream().filter(c -> c.startNanos() > swapMark.doneNanos()
                    && c.endNanos() < rollbackMark.startNanos() && c.version().equals("2.0.0")).map(SwapLoad.Call::session)
                    .distinct().count(), "every session got 2.0.0 between swap and rollback");
            assertEquals(0, countBetween(calls, swapMark.doneNanos(), rollbackMark.startNanos(), "1.0.0"),
                    "no call between swap and rollback got 1.0.0");
            assertEquals(32, calls.stream().filter(c -> c.startNanos() > rollbackMark.doneNanos() && c.version().equals("1.0.0"))
                    .map(SwapLoad.Call::session).distinct().count(), "every session got 1.0.0 after the rollback");
            assertEquals(0, countBetween(calls, rollbackMark.doneNanos(), Long.MAX_VALUE, "2.0.0"),
                    "no call after the rollback got 2.0.0");

            assertEquals(d1, swap.fromDigest());
            assertEquals("2.0.0", swap.toVersion());
            assertEquals(d1, rollback.toDigest());
            assertEquals(d1, runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME));
            assertEquals(2, events.size(), "events: " + events);
            assertInstanceOf(PluginEvent.Swapped.class, events.get(0));
            assertInstanceOf(PluginEvent.RolledBack.class, events.get(1));
        }
    }

    /** Calls that started after {@code from} and ended before {@code to}, answered by {@code version}. */
    private static long countBetween(List<SwapLoad.Call> calls, long from, long to, String version) {
        return calls.stream().filter(c -> c.startNanos() > from && c.endNanos() < to && c.version().equals(version)).count();
    }
}
