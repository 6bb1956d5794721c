package dev.chrysalis.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.model.KvCacheType;
import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.testutil.Refs;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EngineTest {

    private static Engine stories(KvCacheType kv) throws IOException {
        return Engine.load(Fixtures.model("stories260K.gguf"), EngineOptions.defaults().withThreads(2).withContextLength(512)
                .withKvCacheType(kv).withBatchSize(16));
    }

    @Test
    void stories260KGreedyFromOnceUponATimeEqualsLlamaCppExactly() throws IOException {
        Refs refs = Refs.load("stories260K.p0.json");
        int[] expected = refs.greedyIds("llamacpp_kvF32");
        try (Engine e = stories(KvCacheType.F32); Session s = e.newSession()) {
            List<Integer> streamed = new ArrayList<>();
            GenerationResult r = s.generate(GenerationRequest.greedy(refs.promptTokens(), expected.length), streamed::add);
            assertArrayEquals(expected, r.tokens());
            assertEquals(Arrays.stream(expected).boxed().toList(), streamed);
            assertEquals(StopReason.MAX_TOKENS, r.stopReason());
        }
        assertTrue(expected.length >= 16, "reference should hold a real continuation");
    }

    /** What a caller waits for: a request queued behind the engine's work (a warm-up pass, another session) counts its wait. */
    @Test
    void timeToFirstTokenCountsTheWaitForTheEngine() throws Exception {
        try (Engine e = stories(KvCacheType.F32); Session s = e.newSession()) {
            AtomicReference<GenerationResult> result = new AtomicReference<>();
            e.computeLock().lock();
            Thread request;
            try {
                request = Thread.ofPlatform().start(() -> result.set(s.generate(GenerationRequest.greedy(new int[] {1, 403}, 2), t -> { })));
                // the 300 ms count from when the request waits on the engine, not from when its thread was started
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!e.computeLock().hasQueuedThreads() && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertTrue(e.computeLock().hasQueuedThreads(), "the request never waited for the engine");
                Thread.sleep(300);
            } finally {
                e.computeLock().unlock();
            }
            request.join(10_000);
            assertTrue(result.get().firstTokenNanos() >= TimeUnit.MILLISECONDS.toNanos(300),
                    "first token after " + result.get().firstTokenNanos() / 1e6 + " ms, of which 300 waiting for the engine");
        }
    }

    @Test
    void aRequestExtendingTheCachedPrefixComputesOnlyTheNewTokensWithIdenticalLogits() throws IOException {
        int[] prefix = {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298};
        int[] full = Arrays.copyOf(prefix, prefix.length + 6);
        int[] tail = {315, 421, 395, 317, 426, 338};
        System.arraycopy(tail, 0, full, prefix.length, tail.length);
        try (Engine e = stories(KvCacheType.F32)) {
            Session fresh = e.newSession();
            Session.Evaluation cold = fresh.evaluate(full);
            assertEquals(0, cold.reusedTokens());

            Session warm = e.newSession();
            warm.evaluate(prefix);
            Session.Evaluation hot = warm.evaluate(full);
            assertEquals(prefix.length, hot.reusedTokens(), "only the new tokens are computed");
            assertArrayEquals(cold.logits(), hot.logits(), "logits with and without the prefix cache");
            assertArrayEquals(full, warm.cachedTokens());

            // a diverging request reuses only the common part
            int[] other = Arrays.copyOf(prefix, prefix.length + 1);
            other[5] = 300;
            other[prefix.length] = 301;
            Session.Evaluation diverged = warm.evaluate(other);
            assertEquals(5, diverged.reusedTokens());
            assertArrayEquals(fresh.evaluate(other).logits(), diverged.logits());
        }
    }

    /**
     * The background warm-up runs its own scratch sequence to the end and leaves nothing behind: a session
     * after it, and one started while it runs, generate the tokens llama.cpp does.
     */
    @Test
    void theWarmUpFinishesAndChangesNoSessionsTokens() throws Exception {
        Refs refs = Refs.load("stories260K.p0.json");
        int[] expected = refs.greedyIds("llamacpp_kvF32");
        try (Engine e = stories(KvCacheType.F32)) {
            Thread t = e.warmUpInBackground().orElseThrow();
            assertTrue(t.isDaemon(), "the warm-up never keeps the JVM alive");
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!t.isAlive(), "warm-up still running after 60 s");
            try (Session s = e.newSession()) {
                assertArrayEquals(expected, s.generate(GenerationRequest.greedy(refs.promptTokens(), expected.length), tok -> { }).tokens());
            }
            // a request started beside the warm-up gets the same tokens, and the warm-up ends
            Thread during = e.warmUpInBackground().orElseThrow();
            try (Session s = e.newSession()) {
                assertArrayEquals(expected, s.generate(GenerationRequest.greedy(refs.promptTokens(), expected.length), tok -> { }).tokens());
            }
            during.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!during.isAlive());
        }
    }

    @Test
    void aClosedEngineDoesNotWarmUp() throws IOException {
        Engine e = stories(KvCacheType.F32);
        e.close();
        assertTrue(e.warmUpInBackground().isEmpty());
        e.close();  // closing twice is harmless
    }

    @Test
    void aGenerationCancelledFromTheListenerStopsAtOnce() throws IOException {
        try (Engine e = stories(KvCacheType.F32); Session s = e.newSession()) {
            List<Integer> seen = new ArrayList<>();
            GenerationResult r = s.generate(GenerationRequest.greedy(new int[] {1, 403}, 400), t -> {
                seen.add(t);
                if (seen.size() == 3) {
                    s.cancel();
                }
            });
            assertEquals(StopReason.CANCELLED, r.stopReason());
            assertEquals(3, r.tokens().length);
            // the session stays usable and keeps its prefix
            GenerationResult again = s.generate(GenerationRequest.greedy(new int[] {1, 403}, 2), TokenListener.NONE);
            assertEquals(StopReason.MAX_TOKENS, again.stopReason());
            assertEquals(1, again.reusedTokens());
        }
    }

    @Test
    void aGenerationCancelledFromAnotherThreadEnds() throws Exception {
        try (Engine e = stories(KvCacheType.F32); Session s = e.newSession()) {
            CountDownLatch started = new CountDownLatch(5);
            AtomicReference<GenerationResult> result = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> result.set(s.generate(
                    GenerationRequest.greedy(new int[] {1, 403}, 100_000), tok -> started.countDown())));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            s.cancel();
            t.join(10_000);
            assertEquals(StopReason.CANCELLED, result.get().stopReason());
            assertTrue(result.get().tokens().length < 510);
        }
    }

    @Test
    void generationStopsAtAStopTokenAndAtAFullContext() throws IOException {
        Refs refs = Refs.load("stories260K.p0.json");
        int[] expected = refs.greedyIds("llamacpp_kvF32");
        try (Engine e = Engine.load(Fixtures.model("stories260K.gguf"), EngineOptions.defaults().withThreads(1)
                .withContextLength(12)); Session s = e.newSession()) {
            GenerationResult stop = s.generate(GenerationRequest.greedy(refs.promptTokens(), 50)
                    .withStopTokens(java.util.Set.of(expected[2])), TokenListener.NONE);
            assertEquals(StopReason.STOP_TOKEN, stop.stopReason());
            assertArrayEquals(Arrays.copyOf(expected, 3), stop.tokens());
            GenerationResult full = s.generate(GenerationRequest.greedy(refs.promptTokens(), 50), TokenListener.NONE);
            assertEquals(StopReason.CONTEXT_FULL, full.stopReason());
            assertEquals(12 - refs.promptTokens().length + 1, full.tokens().length);
            assertThrows(IllegalArgumentException.class,
                    () -> s.generate(GenerationRequest.greedy(new int[20], 1), TokenListener.NONE));
        }
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() throws IOException {
        try (Engine e = stories(KvCacheType.F32)) {
            var opts = dev.chrysalis.inference.sampling.SamplingOptions.defaults().withTemperature(1.5f).withTopK(0).withMinP(0f);
            int[] a = e.newSession().generate(GenerationRequest.greedy(new int[] {1, 403}, 40).withSampling(opts, 7), TokenListener.NONE).tokens();
            int[] b = e.newSession().generate(GenerationRequest.greedy(new int[] {1, 403}, 40).withSampling(opts, 7), TokenListener.NONE).tokens();
            int[] c = e.newSession().generate(GenerationRequest.greedy(new int[] {1, 403}, 40).withSampling(opts, 8), TokenListener.NONE).tokens();
            assertArrayEquals(a, b);
            assertTrue(!Arrays.equals(a, c));
        }
    }

    @Test
    void kvCacheF16AndQ8_0AddOnlyASmallMeasuredLogitError() throws IOException {
        Path model = Fixtures.model("small-F16.gguf");
        Refs refs = Refs.load("small-F16.p0.json");
        float[] exact = lastLogits(model, KvCacheType.F32, refs.promptTokens());
        float[] f16 = lastLogits(model, KvCacheType.F16, refs.promptTokens());
        float[] q8 = lastLogits(model, KvCacheType.Q8_0, refs.promptTokens());
        double eF16 = maxAbsDiff(exact, f16);
        double eQ8 = maxAbsDiff(exact, q8);
        double range = Arrays.stream(toDouble(exact)).map(Math::abs).max().orElseThrow();
        System.out.printf("KV cache logit error on small-F16 (%d prompt tokens, max |logit| %.2f): F16 %.2e, Q8_0 %.2e%n",
                refs.promptTokens().length, range, eF16, eQ8);
        assertTrue(eF16 > 0 && eF16 < 5e-3, "F16 KV error " + eF16);
        assertTrue(eQ8 > eF16 && eQ8 < 0.1, "Q8_0 KV error " + eQ8);
        // llama.cpp's own F16-KV logits differ from its F32-KV logits by a similar amount
        assertEquals(argmax(exact), argmax(f16));
        assertEquals(argmax(exact), argmax(q8));
    }

    @Test
    void loadErrorsAreClear() {
        var missing = assertThrows(NoSuchFileException.class, () -> Engine.load(Path.of("no/such/model.gguf"), EngineOptions.defaults()));
        assertTrue(missing.getMessage().contains("model file not found"), missing.getMessage());
        var folder = assertThrows(java.nio.file.FileSystemException.class, () -> Engine.load(Fixtures.root(), EngineOptions.defaults()));
        assertTrue(!(folder instanceof NoSuchFileException) && folder.getMessage().endsWith("a directory, not a GGUF model file"),
                folder.getMessage());
        var tooBig = assertThrows(InsufficientMemoryException.class, () -> Engine.load(Fixtures.model("tiny-F32.gguf"),
                EngineOptions.defaults().withContextLength(2_000_000_000)));
        assertTrue(tooBig.getMessage().contains("tiny-F32.gguf needs"), tooBig.getMessage());
        var q8Stories = assertThrows(IllegalArgumentException.class, () -> {
            try (Engine e = stories(KvCacheType.Q8_0)) {
                e.newSession();
            }
        });
        assertTrue(q8Stories.getMessage().contains("multiple of 32"), q8Stories.getMessage());
    }

    private static float[] lastLogits(Path model, KvCacheType kv, int[] prompt) throws IOException {
        try (Engine e = Engine.load(model, EngineOptions.defaults().withThreads(2).withContextLength(64).withKvCacheType(kv)
                .withBatchSize(1))) {
            return e.newSession().evaluate(prompt).logits();
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static int argmax(float[] a) {
        int b = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[b]) {
                b = i;
            }
        }
        return b;
    }
}
