package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.TokenListener;
import dev.chrysalis.inference.model.KvCache;
import dev.chrysalis.inference.model.KvCacheType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code bench inference}'s engine side for one model, in a JVM of its own: the Vector API's shared methods keep the
 * profiles and traps of every kernel a JVM ran, and a Q4_K model measured after a Q6_K or Q5_K model in the bench's
 * JVM decoded with boxed vectors (463 MB allocated a step, 25-33 instead of 44-47 tok/s), so each model gets a fresh
 * JVM, as a user's process would.
 *
 * <p>Loads the model, runs one warm-up generation, prints {@code loaded <weight bytes a token> <FLOPs a token>
 * <integer FLOPs a token> <KV-cache bytes> <GPU ordinal or -1> <vocabulary size> <engine description>}, then answers
 * the lines it reads:
 * {@code round} (one measured generation: {@code round <prefill tok/s> <decode tok/s> <heap bytes a decode step or -1>}),
 * {@code prefix} ({@code prefix <time to first token report>}) and {@code memory} ({@code memory <heap committed bytes>
 * <resident memory>}), until its input ends. The bench alternates the rounds with llama.cpp's.
 */
public final class ModelProbe {

    private ModelProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 6 || !args[1].matches("[1-9][0-9]{0,3}") || !args[2].matches("[1-9][0-9]{0,6}")
                || !args[3].matches("[0-9]{1,7}") || !args[4].matches("[1-9][0-9]{0,3}") || !args[5].matches("cpu|cuda")) {
            System.err.println("usage: ModelProbe MODEL THREADS PROMPT_TOKENS GEN_TOKENS RUNS cpu|cuda, not " + String.join(" ", args));
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int promptTokens = Integer.parseInt(args[2]);
        int genTokens = Integer.parseInt(args[3]);
        int runs = Integer.parseInt(args[4]);
        Device device = args[5].equals("cuda") ? Device.CUDA : Device.CPU;
        boolean gpu = device == Device.CUDA;
        PrintStream out = System.out;
        // the GPU takes the prompt in larger batches: its matrix-matrix kernels work on 64-token tiles; on the
        // CPU each chunk dequantizes every weight once, which 128 tokens amortize (64: 14% of prefill; 128: 8%)
        int batch = Math.min(gpu ? 512 : EngineOptions.defaults().batchSize(), promptTokens);
        Engine loaded;
        try {
            loaded = Engine.load(model, EngineOptions.defaults().withThreads(threads).withContextLength(
                    Math.max(320, promptTokens + genTokens + 8)).withBatchSize(batch).withPrefault(true).withDevice(device));
        } catch (IOException | RuntimeException e) {
            System.err.println("ModelProbe: cannot load " + model + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        try (Engine e = loaded) {
            int[] prompt = InferenceBench.prompt(promptTokens, model, e.config().vocabSize());
            long bytesPerToken = e.weights().bytesPerToken() + (gpu ? InferenceBench.kvBytesPerDecodeStep(e.config(), promptTokens, genTokens) : 0);
            long kvBytes = KvCache.bytes(gpu ? KvCacheType.F16 : e.options().kvCacheType(), e.config(), e.contextLength());
            int gpuOrdinal = gpu ? e.deviceSelection().gpu().orElseThrow().ordinal() : -1;
            // warm-up: JIT compilation of the kernels. A small model's generation is over before C2 has compiled them (a
            // 4-layer, 256-wide one ran its 32-token prompt at 33, 110, 147, 451, 745 and 993 tok/s in six rounds after one
            // warm-up), so it repeats for WARM_UP_NANOS; a 1B-class model's first generation takes longer than that.
            long warmStart = System.nanoTime();
            do {
                generate(e, prompt, genTokens);
            } while (System.nanoTime() - warmStart < WARM_UP_NANOS);
            out.printf(Locale.ROOT, "loaded %d %d %d %d %d %d %s%n", bytesPerToken, e.weights().matmulFlopsPerToken(),
                    gpu ? 0 : e.weights().integerPrefillFlopsPerToken(), kvBytes, gpuOrdinal, e.config().vocabSize(),
                    e.deviceSelection().description());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.strip()) {
                    case "round" -> {
                        DecodeAllocation allocation = new DecodeAllocation();
                        GenerationResult r = generate(e, prompt, genTokens, allocation);
                        out.printf(Locale.ROOT, "round %.6e %.6e %d%n", r.prefillTokensPerSecond(), r.decodeTokensPerSecond(), allocation.bytesPerStep());
                    }
                    case "prefix" -> out.println("prefix " + prefixCache(e, model, runs));
                    case "memory" -> out.println("memory " + Runtime.getRuntime().totalMemory() + " " + residentMemory());
                    default -> out.println("error unknown request '" + line + "' (round, prefix, memory)");
                }
                out.flush();
            }
        }
    }

    /** Least time the warm-up generations take together. */
    static final long WARM_UP_NANOS = 4_000_000_000L;

    private static GenerationResult generate(Engine e, int[] prompt, int genTokens) {
        return generate(e, prompt, genTokens, TokenListener.NONE);
    }

    /**
     * One prefill of the prompt and {@code genTokens} decode steps in a fresh session. On a GPU the session
     * first runs once and forgets its tokens, so the measured run replays the decode graph its first
     * decode step captured (the steady state of a conversation) instead of timing the capture.
     */
    private static GenerationResult generate(Engine e, int[] prompt, int genTokens, TokenListener listener) {
        try (Session s = e.newSession()) {
            if (e.device() == Device.CUDA) {
                s.generate(GenerationRequest.greedy(prompt, 2), TokenListener.NONE);
                s.reset();
            }
            return s.generate(GenerationRequest.greedy(prompt, genTokens + 1), listener);
        }
    }

    /**
     * Heap allocation of all threads between the first generated token (the end of prefill) and the last. The
     * decode kernels allocate nothing in steady state; a vector C2 failed to keep in registers is boxed, and then
     * decode allocates megabytes per step (see kernels.LoopCarried): this shows it in a single run.
     */
    private static final class DecodeAllocation implements TokenListener {
        private final com.sun.management.ThreadMXBean threads =
                ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t ? t : null;
        private long atFirst = -1;
        private long last = -1;
        private int tokens;

        @Override
        public void onToken(int tokenId) {
            long now = threads == null ? -1 : threads.getTotalThreadAllocatedBytes();
            if (tokens++ == 0) {
                atFirst = now;
            }
            last = now;
        }

        long bytesPerStep() {
            return atFirst < 0 || last < 0 || tokens < 2 ? -1 : (last - atFirst) / (tokens - 1);
        }
    }

    /** Time to first token for a short new turn after a long shared prefix, with and without the cache. */
    private static String prefixCache(Engine e, Path f, int runs) {
        int prefixLen = Math.max(1, Math.min(256, e.contextLength() - 24));
        int[] prefix = InferenceBench.prompt(prefixLen, f, e.config().vocabSize());
        int[] full = java.util.Arrays.copyOf(prefix, prefixLen + 16);
        for (int i = prefixLen; i < full.length; i++) {
            full[i] = 200 + i;
        }
        double cold = Double.MAX_VALUE;
        double warm = Double.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            try (Session s = e.newSession()) {
                cold = Math.min(cold, s.generate(GenerationRequest.greedy(full, 1), TokenListener.NONE).firstTokenNanos() / 1e6);
            }
            try (Session s = e.newSession()) {
                s.evaluate(prefix);
                GenerationResult res = s.generate(GenerationRequest.greedy(full, 1), TokenListener.NONE);
                warm = Math.min(warm, res.firstTokenNanos() / 1e6);
            }
        }
        return String.format(Locale.ROOT, "prefix cache (%s): time to first token for 16 new tokens after a %d-token prefix: "
                + "%.0f ms without, %.0f ms with the cached prefix (%.1fx)", f.getFileName(), prefixLen, cold, warm, cold / warm);
    }

    /** This process's resident set, from /proc (Linux), or "unknown". */
    private static String residentMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "RSS %.0f MiB", kb / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
