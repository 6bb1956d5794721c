package dev.chrysalis.inference.engine;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gpu.CudaTransformer;
import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.model.CpuForwardPass;
import dev.chrysalis.inference.model.ForwardPass;
import dev.chrysalis.inference.model.KvCache;
import dev.chrysalis.inference.model.ModelConfig;
import dev.chrysalis.inference.model.ModelLoader;
import dev.chrysalis.inference.model.ModelWeights;
import dev.chrysalis.inference.model.Transformer;
import dev.chrysalis.inference.tensor.WeightMatrix;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import dev.chrysalis.inference.tokenizer.Tokenizers;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A loaded model: mapped weights, a compute pool sized to the cores, and the forward pass. Create
 * {@link Session}s to generate; sessions share the engine's compute (one forward pass at a time) and
 * each keeps its own KV cache, so a session that is asked to continue a conversation only computes the
 * new tokens.
 */
public final class Engine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());
    private static final int DEFAULT_MAX_CONTEXT = 4096;

    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final EngineOptions options;
    private final WorkerPool pool;
    private final ForwardPass forwardPass;
    private final int contextLength;
    private final DeviceSelection device;
    private final ReentrantLock computeLock = new ReentrantLock();
    /** Owns the repacked (tiled) copies of Q4_0, Q4_K, Q6_K and Q8_0 matrices the CPU forward pass multiplies. */
    private final Arena tileArena = Arena.ofShared();
    private Tokenizer tokenizer;
    private volatile boolean closed;

    private Engine(GgufFile file, ModelLoader.Loaded model, EngineOptions options, int contextLength, DeviceSelection device) {
        this.file = file;
        this.device = device;
        this.config = model.config();
        this.options = options;
        this.contextLength = contextLength;
        this.pool = new WorkerPool(options.effectiveThreads());
        try {
            this.weights = device.gpu().isPresent() || options.exactActivations() ? model.weights() : model.weights().tiled(pool, tileArena);
            if (options.prefault()) {
                prefault(weights.mappedMatrices(), options.progress());
            }
            if (device.gpu().isEmpty()) {
                JitSettings.warnIfMissing();
            }
            this.forwardPass = device.gpu().isPresent()
                    ? CudaTransformer.open(device.gpu().get().ordinal(), config, weights, options.batchSize(), contextLength,
                            file.path().getFileName().toString())
                    : new CpuForwardPass(new Transformer(config, weights, pool, options.batchSize(), contextLength), options.kvCacheType(), pool);
        } catch (RuntimeException | Error e) {
            pool.close();
            tileArena.close();
            throw e;
        }
    }

    /**
     * Maps and validates a GGUF model and prepares it to run.
     *
     * @throws NoSuchFileException           if the file does not exist
     * @throws NotAModelFileException        if the path is a directory
     * @throws dev.chrysalis.inference.gguf.GgufFormatException if the file is malformed, of an unsupported
     *                                       architecture or type, or has wrong tensor shapes
     * @throws InsufficientMemoryException   if weights plus KV cache do not fit in memory
     * @throws dev.chrysalis.inference.gpu.cuda.CudaUnavailableException if the options ask for {@link Device#CUDA}
     *                                       and the driver offers no usable GPU (the message says why)
     */
    public static Engine load(Path path, EngineOptions options) throws IOException {
        if (Files.isDirectory(path)) {
            throw new NotAModelFileException(path);
        }
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "model file not found");
        }
        DeviceSelection device = DeviceSelection.select(options.device());
        LOG.log(System.Logger.Level.INFO, "device for {0}: {1}", path.getFileName(), device.description());
        options.progress().onProgress(0);
        GgufFile file = GgufFile.open(path);
        try {
            ModelLoader.Loaded model = ModelLoader.load(file);
            if (device.gpu().isPresent()) {
                Optional<String> unreadable = CudaTransformer.unreadableWeights(model.weights());
                if (unreadable.isPresent()) {
                    device = device.withoutGpu(unreadable.get()); // AUTO: the CPU, which reads every supported type
                    LOG.log(System.Logger.Level.INFO, "device for {0}: {1}", path.getFileName(), device.description());
                }
            }
            ModelConfig c = model.config();
            int ctx = options.contextLength() > 0 ? options.contextLength() : Math.min(c.trainedContext(), DEFAULT_MAX_CONTEXT);
            // on a GPU the KV cache is in device memory (checked there, with the weights' copy)
            long hostKv = device.device() == Device.CUDA ? 0 : KvCache.bytes(options.kvCacheType(), c, ctx);
            checkMemory(path, file.fileSize(), hostKv, ctx, options);
            Engine e = new Engine(file, model, options, ctx, device);
            options.progress().onProgress(1);
            LOG.log(System.Logger.Level.INFO, "loaded {0}: {1} layers, dim {2}, vocab {3}, context {4}, KV {5}, on {6}",
                    path.getFileName(), c.layers(), c.dim(), c.vocabSize(), ctx,
                    device.device() == Device.CUDA ? "f16 (GPU)" : options.kvCacheType(), e.forwardPass.deviceName());
            return e;
        } catch (RuntimeException | Error ex) {
            file.close();
            throw ex;
        }
    }

    private static void checkMemory(Path path, long fileBytes, long kvBytes, int ctx, EngineOptions o) {
        long physical = physicalMemory();
        if (physical > 0 && fileBytes + kvBytes > physical) {
            throw new InsufficientMemoryException("model " + path.getFileName() + " needs " + gib(fileBytes + kvBytes)
                    + " (weights " + gib(fileBytes) + " + KV cache " + gib(kvBytes) + " for " + ctx + " positions) but this machine has "
                    + gib(physical) + " of memory");
        }
        Runtime rt = Runtime.getRuntime();
        long heapFree = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (kvBytes > heapFree) {
            throw new InsufficientMemoryException("the KV cache for " + ctx + " positions (" + o.kvCacheType() + ") needs "
                    + gib(kvBytes) + " but the JVM heap has only " + gib(heapFree) + " free: lower the context length, use a "
                    + "smaller KV type (f16, q8_0) or raise the heap's limit (-Xmx; through ./chrysalis: JAVA_TOOL_OPTIONS=-Xmx<size>)");
        }
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    private static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /**
     * Touches every page of the matrices the forward pass will read from the mapping (sequential read) so later
     * compute does not fault on disk. Only those: tiling has copied the others and dropped their pages, and the
     * norm vectors were copied to the heap at load; touching what lies next to them would map their 2 MiB pages
     * back in (measured: 90 MB of TinyLlama Q4_0 stayed resident next to its 45 norms).
     */
    private static void prefault(List<WeightMatrix> matrices, EngineOptions.LoadProgress progress) {
        long total = matrices.stream().mapToLong(WeightMatrix::byteSize).sum();
        long step = 4096;
        long report = Math.max(step, total / 100);
        long sum = 0;
        long done = 0;
        long nextReport = report;
        for (WeightMatrix m : matrices) {
            MemorySegment s = m.data();
            for (long p = 0; p < s.byteSize(); p += step) {
                sum += s.get(ValueLayout.JAVA_BYTE, p);
            }
            done += s.byteSize();
            if (done >= nextReport) {
                progress.onProgress(Math.min(0.99, done / (double) total));
                nextReport = done + report;
            }
        }
        if (sum == 42) {
            LOG.log(System.Logger.Level.TRACE, "prefault checksum hit");
        }
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    public EngineOptions options() {
        return options;
    }

    /** The GGUF file (for its metadata, e.g. to build the tokenizer or read the chat template). */
    public GgufFile file() {
        return file;
    }

    /**
     * The model's tokenizer, built from the GGUF metadata on first use.
     *
     * @throws dev.chrysalis.inference.tokenizer.TokenizerException if the file's vocabulary is missing or unsupported
     */
    public synchronized Tokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = Tokenizers.fromGguf(file);
        }
        return tokenizer;
    }

    /** Positions available to each session. */
    public int contextLength() {
        return contextLength;
    }

    public int threads() {
        return pool.threads();
    }

    /** The device chosen at load: {@link Device#CPU} or {@link Device#CUDA}. */
    public Device device() {
        return device.device();
    }

    /** The device choice with its GPU and a one-line description for logs and the CLI. */
    public DeviceSelection deviceSelection() {
        return device;
    }

    /** A new session with an empty KV cache of {@link #contextLength()} positions. */
    public Session newSession() {
        return new Session(this, forwardPass.newSequence(contextLength));
    }

    ForwardPass forwardPass() {
        return forwardPass;
    }

    /** Prefill-and-decode rounds of {@link #warmUpInBackground()}. */
    static final int WARM_UP_ROUNDS = 4;
    /** Made-up tokens each warm-up prefill runs (fewer when the batch or the context is smaller). */
    static final int WARM_UP_PROMPT = 48;
    /** Decode steps per warm-up round. */
    static final int WARM_UP_DECODE_STEPS = 8;

    /**
     * Lets the JIT compile the CPU kernels before the first request instead of during it (a first prompt of
     * 133 tokens on TinyLlama Q4_0 ran at 23 tok/s in a fresh JVM, 111 once compiled). A daemon thread runs
     * {@value #WARM_UP_ROUNDS} rounds of a prefill of {@value #WARM_UP_PROMPT} made-up tokens and {@value #WARM_UP_DECODE_STEPS} decode
     * steps on a scratch sequence of its own, one forward pass at a time under the compute lock, and stops
     * before the next pass as soon as a request waits for the engine or the engine closes; sessions never
     * see it. For engines that live on (the agent shell, chat); a one-shot generation warms up by itself.
     *
     * @return the warm-up thread, or empty on a GPU (its kernels are compiled ahead of time) or once closed
     */
    public Optional<Thread> warmUpInBackground() {
        if (device.device() == Device.CUDA || closed) {
            return Optional.empty();
        }
        Thread t = Thread.ofPlatform().daemon().name("chrysalis-warm-up").start(this::warmUp);
        return Optional.of(t);
    }

    private void warmUp() {
        long t0 = System.nanoTime();
        int prompt = Math.min(forwardPass.maxBatch(), Math.min(WARM_UP_PROMPT, contextLength - WARM_UP_DECODE_STEPS));
        if (prompt < 1) {
            return;
        }
        int[] tokens = new int[prompt + WARM_UP_DECODE_STEPS];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 1 + (int) ((i * 7919L) % (config.vocabSize() - 1));
        }
        int passes = 0;
        try (ForwardPass.Sequence scratch = forwardPass.newSequence(tokens.length)) {
            for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                if (!warmUpPass(scratch, tokens, 0, prompt)) {
                    break;
                }
                passes++;
                for (int p = prompt; p < tokens.length && warmUpPass(scratch, tokens, p, 1); p++) {
                    passes++;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "warm-up stopped: {0}", e.toString());
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "warm-up: {0} forward passes in {1} ms", passes, (System.nanoTime() - t0) / 1_000_000);
    }

    /** One forward pass of the warm-up, unless a request waits for the engine or it closed: then false. */
    private boolean warmUpPass(ForwardPass.Sequence scratch, int[] tokens, int start, int n) {
        if (computeLock.hasQueuedThreads() || closed) {
            return false;
        }
        computeLock.lock();
        try {
            if (closed) {
                return false;
            }
            forwardPass.forward(scratch, tokens, start, n, start, false);
            return true;
        } finally {
            computeLock.unlock();
        }
    }

    ReentrantLock computeLock() {
        return computeLock;
    }

    @Override
    public void close() {
        computeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            forwardPass.close();
            pool.close();
            tileArena.close();
            file.close();
        } finally {
            computeLock.unlock();
        }
    }
}
