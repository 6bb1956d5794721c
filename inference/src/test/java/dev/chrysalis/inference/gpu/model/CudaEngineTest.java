package dev.chrysalis.inference.gpu.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.TokenListener;
import dev.chrysalis.inference.gpu.RequiresCuda;
import dev.chrysalis.inference.model.KvCacheType;
import dev.chrysalis.inference.sampling.SamplingOptions;
import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.testutil.Refs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine on a GPU: generation through sessions, greedy and sampled on the device. */
@RequiresCuda
class CudaEngineTest {

    private static Engine stories(Device device) throws IOException {
        return Engine.load(Fixtures.model("stories260K.gguf"), EngineOptions.defaults().withThreads(2).withContextLength(512)
                .withKvCacheType(KvCacheType.F16).withBatchSize(16).withDevice(device));
    }

    @Test
    void stories260KGreedyOnTheGpuEqualsLlamaCpp() throws IOException {
        Refs refs = Refs.load("stories260K.p0.json");
        int[] expected = refs.greedyIds("llamacpp_kvF16");
        try (Engine e = stories(Device.CUDA); Session s = e.newSession()) {
            assertEquals(Device.CUDA, e.device());
            List<Integer> streamed = new ArrayList<>();
            GenerationResult r = s.generate(GenerationRequest.greedy(refs.promptTokens(), expected.length), streamed::add);
            assertArrayEquals(expected, r.tokens(), "greedy ids (argmax on the GPU after each replayed decode graph)");
            assertEquals(expected.length, streamed.size());
            // the cached prefix: a second request extending the first computes only the new tokens
            int[] longer = new int[refs.promptTokens().length + 4];
            System.arraycopy(refs.promptTokens(), 0, longer, 0, refs.promptTokens().length);
            System.arraycopy(expected, 0, longer, refs.promptTokens().length, 4);
            GenerationResult again = s.generate(GenerationRequest.greedy(longer, 8), TokenListener.NONE);
            assertTrue(again.reusedTokens() >= refs.promptTokens().length, "reused " + again.reusedTokens());
            int[] want = java.util.Arrays.copyOfRange(expected, 4, 12);
            assertArrayEquals(want, again.tokens(), "continuing from the cache gives the same greedy ids");
        }
    }

    @Test
    void topKOneSamplingOnTheGpuIsGreedy() throws IOException {
        Refs refs = Refs.load("stories260K.p0.json");
        int[] expected = refs.greedyIds("llamacpp_kvF16");
        SamplingOptions topOne = new SamplingOptions(1.0f, 1, 1f, 0f, 1f, 64);
        try (Engine e = stories(Device.CUDA); Session s = e.newSession()) {
            int[] got = s.generate(GenerationRequest.greedy(refs.promptTokens(), expected.length).withSampling(topOne, 3), TokenListener.NONE)
                    .tokens();
            assertArrayEquals(expected, got, "sample_f32 with top-k 1");
        }
    }

    /**
     * sample_f32 draws with the host's seeded uniform numbers, so a seed repeats on the GPU, and it agrees
     * with the CPU sampler on the same seed: at least the first 16 tokens (past those a near-tie between
     * logits that differ by rounding may send the two down different but equally valid paths).
     */
    @ParameterizedTest
    @ValueSource(floats = {0f, 0.05f, 0.2f})
    void seededSamplingRepeatsOnTheGpuAndFollowsTheCpuSampler(float minP) throws IOException {
        SamplingOptions opts = new SamplingOptions(0.8f, 40, 0.95f, minP, 1f, 64);
        GenerationRequest req = GenerationRequest.greedy(new int[] {1, 403}, 32);
        int[] gpuA;
        int[] gpuB;
        try (Engine e = stories(Device.CUDA)) {
            gpuA = e.newSession().generate(req.withSampling(opts, 11), TokenListener.NONE).tokens();
            gpuB = e.newSession().generate(req.withSampling(opts, 11), TokenListener.NONE).tokens();
        }
        int[] cpu;
        try (Engine e = stories(Device.CPU)) {
            cpu = e.newSession().generate(req.withSampling(opts, 11), TokenListener.NONE).tokens();
        }
        assertArrayEquals(gpuA, gpuB, "same seed, same tokens");
        int same = 0;
        while (same < cpu.length && same < gpuA.length && cpu[same] == gpuA[same]) {
            same++;
        }
        System.out.println("min-p " + minP + ": GPU and CPU sampling agree on the first " + same + " of " + cpu.length + " tokens");
        assertTrue(same >= 16, "GPU and CPU sampling diverge at token " + same);
    }
}
