package dev.chrysalis.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.agent.Agent;
import dev.chrysalis.host.agent.AgentConfig;
import dev.chrysalis.host.agent.TurnRecorder;
import dev.chrysalis.host.bench.BenchBrain;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.bench.SwapLoad;
import dev.chrysalis.host.testplugins.TestPlugins;
import dev.chrysalis.host.testplugins.ThrowingActivator;
import dev.chrysalis.spi.skill.Skill;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a swap waits for, what it leaves behind, and what it reports, on a real Felix. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwapDrainTest {

    @TempDir
    Path temp;

    private PluginRuntime start(Path v1, List<PluginEvent> events) {
        return PluginRuntime.start(RuntimeConfig.of(temp.resolve("data"), TestPlugins.bundlesDir(temp.resolve("bundles"), v1))
                .withListener(events::add));
    }

    @Test
    void aCallInFlightKeepsTheOldRevisionUntilItEndsThenTheSwapReturnsAndTheOldBundleIsUninstalled() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        Path v2 = BenchBundles.write(temp.resolve("v2"), "2.0.0");
        try (PluginRuntime runtime = start(v1, new CopyOnWriteArrayList<>())) {
            PluginLease<Skill> inFlight = runtime.acquireSkill(BenchBundles.SKILL).orElseThrow();
            assertEquals("1.0.0", inFlight.version());

            AtomicReference<Thread> swapper = new AtomicReference<>();
            CompletableFuture<SwapReport> swap = CompletableFuture.supplyAsync(() -> {
                swapper.set(Thread.currentThread());
                try {
                    return runtime.swap(BenchBundles.SKILL, v2);
                } catch (PluginOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            // new calls reach 2.0.0 while the call in flight still holds 1.0.0
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String served = "";
            while (!served.equals("2.0.0") && System.nanoTime() < deadline) {
                try (PluginLease<Skill> lease = runtime.acquireSkill(BenchBundles.SKILL).orElseThrow()) {
                    served = lease.version();
                }
                Thread.sleep(1);
            }
            assertEquals("2.0.0", served, "a call made after the cut-over gets the new version");
            // the swap thread records the new state after the cut-over, then drains: once it waits in the drain, the
            // 300 ms below all fall in that phase however late a loaded machine ran it
            while (!draining(swapper.get()) && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(draining(swapper.get()), "the swap drains the call in flight");
            assertThrows(TimeoutException.class, () -> swap.get(300, TimeUnit.MILLISECONDS),
                    "the swap waits for the call in flight on the old version");
            assertTrue(runtime.installedBundles(BenchBundles.SYMBOLIC_NAME).contains("1.0.0 ACTIVE"),
                    "the old revision keeps running for its call: " + runtime.installedBundles(BenchBundles.SYMBOLIC_NAME));
            assertEquals("1.0.0", inFlight.version());

            inFlight.close();
            SwapReport report = swap.get(30, TimeUnit.SECONDS);
            assertTrue(report.duration().compareTo(Duration.ofMillis(300)) >= 0, "duration counts the drain: " + report);
            assertTrue(report.phases().get("drain").compareTo(Duration.ofMillis(300)) >= 0, "the drain phase shows it: " + report.phases());

            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (runtime.installedBundles(BenchBundles.SYMBOLIC_NAME).size() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(List.of("2.0.0 ACTIVE"), runtime.installedBundles(BenchBundles.SYMBOLIC_NAME),
                    "the drained old revision is uninstalled");
        }
    }

    @Test
    void theReportBreaksTheSwapIntoPhasesThatAddUpToItsDuration() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        Path v2 = BenchBundles.write(temp.resolve("v2"), "2.0.0");
        try (PluginRuntime runtime = start(v1, new CopyOnWriteArrayList<>())) {
            for (SwapReport report : List.of(runtime.swap(BenchBundles.SKILL, v2), runtime.rollback(BenchBundles.SKILL))) {
                assertEquals(List.of("queue", "read", "store", "install", "guard", "start", "preload", "services", "flip",
                        "record", "drain"), new ArrayList<>(report.phases().keySet()), report.action() + " phases");
                Duration sum = report.phases().values().stream().reduce(Duration.ZERO, Duration::plus);
                assertEquals(report.duration(), sum, "phases add up to the duration");
                Duration toFlip = Duration.ZERO;
                for (var e : report.phases().entrySet()) {
                    toFlip = toFlip.plus(e.getValue());
                    if (e.getKey().equals("flip")) {
                        break;
                    }
                }
                assertEquals(report.cutover(), toFlip, "the cut-over is the phases up to the flip");
                assertTrue(report.cpu().isPositive() && report.cpu().compareTo(report.duration()) <= 0,
                        "CPU time of the change is measured and within its wall time: " + report.cpu());
                assertEquals(report.phases().keySet(), report.phaseCpu().keySet(), "CPU time per phase too");
                assertTrue(report.phaseCpu().get("start").isPositive(), "starting the bundle costs CPU: " + report.phaseCpu());
                for (var e : report.phaseCpu().entrySet()) {
                    // CPU clocks tick coarser than nanoTime: allow a millisecond
                    assertTrue(e.getValue().compareTo(report.phases().get(e.getKey()).plusMillis(1)) <= 0,
                            e.getKey() + "'s CPU time is within its wall time: " + report.phaseCpu() + " vs " + report.phases());
                }
            }
        }
    }

    @Test
    void aJarRefusedUnderLoadIsNeverServedAndNoCallFails() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        // a working 3.0.0 skill whose activator throws: the bundle must never serve a call
        Path bad = BenchBundles.echo("3.0.0")
                .header("Import-Package", TestPlugins.SPI_IMPORTS + ",org.osgi.framework")
                .header("Bundle-Activator", ThrowingActivator.class.getName())
                .classes(ThrowingActivator.class).write(temp.resolve("bad").resolve("activator.jar"));
        List<PluginEvent> events = new CopyOnWriteArrayList<>();
        try (PluginRuntime runtime = start(v1, events)) {
            String d1 = runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME);
            Agent agent = new Agent(runtime, new BenchBrain(), TurnRecorder.none(), Clock.systemUTC(),
                    new SplittableRandom(3), AgentConfig.under(temp.resolve("data")));
            SwapLoad load = new SwapLoad(agent, 32);
            load.start();
            List<SwapLoad.SwapMark> none = List.of();
            for (int i = 0; i < 3; i++) {
                BundleRejectedException e = assertThrows(BundleRejectedException.class, () -> runtime.swap(BenchBundles.SKILL, bad));
                assertTrue(e.getMessage().contains("cannot start"), e.getMessage());
            }
            assertTrue(load.awaitRounds(2, Duration.ofSeconds(60)), "every session calls after the refusals");
            List<SwapLoad.Call> calls = load.stop();
            SwapLoad.Verdict verdict = SwapLoad.check(calls, none, d1, Map.of(d1, "1.0.0"));
            assertTrue(verdict.clean(), "calls: " + verdict + " " + verdict.examples());
            assertEquals(Map.of("1.0.0", (long) calls.size()), verdict.callsPerVersion(), "only 1.0.0 ever answered");
            assertEquals(List.of("1.0.0 ACTIVE"), runtime.installedBundles(BenchBundles.SYMBOLIC_NAME), "no leftover bundle");
            assertEquals(3, events.size());
            events.forEach(ev -> assertInstanceOf(PluginEvent.Rejected.class, ev));
        }
    }

    @Test
    void aListenerMayRollBackFromInsideTheSwapEvent() throws Exception {
        Path v1 = BenchBundles.write(temp.resolve("v1"), "1.0.0");
        Path v2 = BenchBundles.write(temp.resolve("v2"), "2.0.0");
        List<PluginEvent> events = new CopyOnWriteArrayList<>();
        List<PluginRuntime> holder = new CopyOnWriteArrayList<>();
        List<SwapReport> rollbacks = new CopyOnWriteArrayList<>();
        RuntimeConfig config = RuntimeConfig.of(temp.resolve("data"), TestPlugins.bundlesDir(temp.resolve("bundles"), v1))
                .withListener(event -> {
                    events.add(event);
                    if (event instanceof PluginEvent.Swapped) {
                        try {
                            rollbacks.add(holder.getFirst().rollback(BenchBundles.SKILL)); // a gate undoing the swap at once
                        } catch (PluginOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
        try (PluginRuntime runtime = PluginRuntime.start(config)) {
            holder.add(runtime);
            String d1 = runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME);
            runtime.swap(BenchBundles.SKILL, v2);
            assertEquals(1, rollbacks.size());
            assertEquals(d1, runtime.liveDigests().get(BenchBundles.SYMBOLIC_NAME));
            assertInstanceOf(PluginEvent.Swapped.class, events.get(0));
            assertInstanceOf(PluginEvent.RolledBack.class, events.get(1));
            assertFalse(runtime.plugin(BenchBundles.SKILL).orElseThrow().version().equals("2.0.0"));
        }
    }

    /** Whether {@code t} is in the swap's drain, waiting for calls in flight on the old revision. */
    private static boolean draining(Thread t) {
        return t != null && Arrays.stream(t.getStackTrace())
                .anyMatch(e -> e.getClassName().equals(Generation.class.getName()) && e.getMethodName().equals("retireAndDrain"));
    }
}
