package dev.chrysalis.inference.gpu;

import dev.chrysalis.inference.engine.InsufficientMemoryException;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gpu.KernelShapes.Launch;
import dev.chrysalis.inference.gpu.cuda.CudaContext;
import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaFunction;
import dev.chrysalis.inference.gpu.cuda.CudaGraph;
import dev.chrysalis.inference.gpu.cuda.CudaGraphExec;
import dev.chrysalis.inference.gpu.cuda.CudaKernels;
import dev.chrysalis.inference.gpu.cuda.CudaModule;
import dev.chrysalis.inference.gpu.cuda.CudaStream;
import dev.chrysalis.inference.gpu.cuda.DeviceBuffer;
import dev.chrysalis.inference.gpu.cuda.PinnedBuffer;
import dev.chrysalis.inference.gpu.cuda.PtxModules;
import dev.chrysalis.inference.model.Architecture;
import dev.chrysalis.inference.model.ForwardPass;
import dev.chrysalis.inference.model.ModelConfig;
import dev.chrysalis.inference.model.ModelWeights;
import dev.chrysalis.inference.sampling.SamplingOptions;
import dev.chrysalis.inference.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The forward pass on an NVIDIA GPU through the CUDA driver: the kernels of
 * {@code inference/src/main/cuda} (contract in {@code KERNELS.md}) over weights uploaded once, as stored in
 * the GGUF file, and a half-precision KV cache per sequence in device memory.
 *
 * <p>Prefill (a batch of n &gt; 1 tokens) launches the batched kernels: tensor-core matrix-matrix products
 * and causal attention over the batch. Decode (one token) replays a CUDA graph captured on the
 * sequence's first decode step: the position and the token id are read from device memory, which the
 * host writes before each replay, so one graph serves every position (the embedding row is gathered by
 * the embed kernel from that device token id rather than copied from the host, which keeps the whole
 * step, embedding included, inside the graph and lets a token picked on the device feed the next step).
 * Logits come back through pinned memory, or, for greedy and top-k sampling, only the picked id.
 *
 * <p>One thread at a time (the engine's compute lock); each call makes the context current first.
 *
 * <p>Debugging on a GPU: {@code -Dchrysalis.cuda.graphs=false} runs decode as direct launches instead of
 * the captured graph; {@code -Dchrysalis.cuda.sync=true} (with graphs off) waits after every launch, so
 * a kernel fault is reported with the kernel's name rather than at the next copy.
 */
public final class CudaTransformer implements ForwardPass {

    private static final System.Logger LOG = System.getLogger(CudaTransformer.class.getName());
    /** Device memory left free for the driver, graph instantiation and the module's own needs. */
    static final long HEADROOM = 512L << 20;
    /** The GPU sampling kernel keeps at most this many candidates. */
    static final int MAX_DEVICE_TOP_K = 64;

    /**
     * How decode runs: {@code graphs} replays one captured graph per sequence (the fast path); without,
     * every step launches its kernels directly, and {@code syncEachLaunch} waits after each one.
     */
    public record Launching(boolean graphs, boolean syncEachLaunch, boolean q8Activations) {

        /** Float activations. */
        public Launching(boolean graphs, boolean syncEachLaunch) {
            this(graphs, syncEachLaunch, false);
        }

        /**
         * Graphs unless {@code -Dchrysalis.cuda.graphs=false}; a wait per launch with {@code -Dchrysalis.cuda.sync=true};
         * with {@code -Dchrysalis.cuda.q8=true}, decode's Q4_0/Q8_0 products quantize x to Q8_0 (as the CPU does) and
         * multiply in integer dot products (off by default until measured on a GPU).
         */
        public static Launching fromSystemProperties() {
            return new Launching(!"false".equals(System.getProperty("chrysalis.cuda.graphs")),
                    "true".equals(System.getProperty("chrysalis.cuda.sync")), "true".equals(System.getProperty("chrysalis.cuda.q8")));
        }
    }

    private final ModelConfig c;
    private final CudaContext ctx;
    private final CudaDevice device;
    private final CudaStream stream;
    private final Map<String, CudaFunction> functions = new HashMap<>();
    private final DeviceWeights w;
    private final Activations a;
    private final PinnedBuffer hostIo;
    /** Kernel launches enqueued (see {@link #launches()}). */
    private long launches;
    /** One token's logits; grown on the first call that asks for the logits of every token of a batch. */
    private PinnedBuffer hostLogits;
    private final int maxBatch;
    private final int capacity;
    private final int maxSplits;
    private final Set<GpuSequence> sequences = new LinkedHashSet<>();
    private final Launching launching;
    private boolean capturing;
    private boolean closed;

    private CudaTransformer(CudaContext ctx, ModelConfig c, ModelWeights weights, int maxBatch, int capacity, String model,
                            Launching launching) {
        this.c = c;
        this.launching = launching;
        this.ctx = ctx;
        this.device = ctx.device();
        this.maxBatch = maxBatch;
        this.capacity = capacity;
        if (c.headDim() > KernelShapes.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("model " + model + ": head size " + c.headDim() + " exceeds the GPU attention kernels' "
                    + KernelShapes.MAX_HEAD_DIM);
        }
        this.maxSplits = KernelShapes.maxSplits(c.heads(), device.multiprocessors());
        CudaModule module = ctx.loadModule(PtxModules.ptxFor(device));
        resolveKernels(module, weights);
        long need = DeviceWeights.bytes(weights) + Activations.bytes(c, maxBatch, maxSplits) + kvBytes(c, capacity);
        long free = ctx.freeMemory();
        if (need + HEADROOM > free) {
            throw new InsufficientMemoryException(String.format(Locale.ROOT,
                    "model %s needs %s on %s (weights %s + activations %s + one session's KV cache %s for %d positions, plus %s "
                            + "headroom) but only %s is free: lower the context length or the batch size, or use a smaller model",
                    model, gib(need + HEADROOM), device.describe(), gib(DeviceWeights.bytes(weights)),
                    gib(Activations.bytes(c, maxBatch, maxSplits)), gib(kvBytes(c, capacity)), capacity, gib(HEADROOM), gib(free)));
        }
        this.stream = ctx.createStream();
        this.a = new Activations(ctx, c, maxBatch, maxSplits);
        this.hostIo = ctx.allocHost(Activations.IDS_OFFSET + 4L * maxBatch);
        this.hostLogits = ctx.allocHost(4L * c.vocabSize());
        this.w = DeviceWeights.upload(ctx, stream, weights);
    }

    /**
     * Opens the GPU {@code ordinal}, uploads the model and prepares a forward pass for batches of up to
     * {@code maxBatch} tokens and sequences of up to {@code capacity} positions.
     *
     * @throws dev.chrysalis.inference.gpu.cuda.CudaUnavailableException when there is no driver or GPU
     * @throws InsufficientMemoryException when weights, activations and one KV cache do not fit in free device memory
     */
    public static CudaTransformer open(int ordinal, ModelConfig config, ModelWeights weights, int maxBatch, int capacity, String model) {
        return open(ordinal, config, weights, maxBatch, capacity, model, Launching.fromSystemProperties());
    }

    /** {@link #open(int, ModelConfig, ModelWeights, int, int, String)} with explicit decode launching. */
    public static CudaTransformer open(int ordinal, ModelConfig config, ModelWeights weights, int maxBatch, int capacity, String model,
                                       Launching launching) {
        return open(CudaDriver.load(), ordinal, config, weights, maxBatch, capacity, model, launching);
    }

    /** As above, through {@code driver} (the tests' stand-in driver, for one). */
    public static CudaTransformer open(CudaDriver driver, int ordinal, ModelConfig config, ModelWeights weights, int maxBatch, int capacity,
                                       String model, Launching launching) {
        CudaContext ctx = driver.createContext(ordinal);
        try {
            CudaTransformer t = new CudaTransformer(ctx, config, weights, maxBatch, capacity, model, launching);
            LOG.log(System.Logger.Level.INFO, "{0} on {1}: weights {2}, activations {3}, KV cache {4} per session",
                    model, t.device.describe(), gib(t.w.byteSize()), gib(Activations.bytes(config, maxBatch, t.maxSplits)),
                    gib(kvBytes(config, capacity)));
            return t;
        } catch (RuntimeException | Error e) {
            ctx.close();
            throw e;
        }
    }

    /** Device bytes of a half-precision KV cache (keys and values of every layer) of {@code capacity} positions. */
    static long kvBytes(ModelConfig c, int capacity) {
        return 2L * 2L * c.layers() * capacity * c.kvDim();
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /**
     * Why the GPU kernels cannot run a model with these weights, if they cannot: the first matrix of a type they do not
     * read, named with its type and the types they read. They read every type the CPU kernels do; this keeps a type
     * the CPU learns first on the CPU under {@code auto}.
     */
    public static Optional<String> unreadableWeights(ModelWeights weights) {
        return weights.matrices().stream().filter(m -> !CudaKernels.supports(m.type())).findFirst()
                .map(m -> "the GPU kernels do not read " + m.type() + " weights (" + m.name() + "; they read " + CudaKernels.WEIGHT_TYPES + ")");
    }

    private void resolveKernels(CudaModule module, ModelWeights weights) {
        Set<GgmlType> types = weights.perTokenMatrices().map(WeightMatrix::type).collect(Collectors.toCollection(LinkedHashSet::new));
        List<CudaKernels.Kernel> kernels = new ArrayList<>(List.of(CudaKernels.RMSNORM_F32, CudaKernels.RMSNORM_HEADS_F32,
                CudaKernels.ROPE_KV_STORE_F16, CudaKernels.ADD_BIAS_F32, CudaKernels.ADD_F32, CudaKernels.SILU_MUL_F32,
                CudaKernels.ATTN_DECODE_SPLIT, CudaKernels.ATTN_DECODE_COMBINE, CudaKernels.ATTN_PREFILL, CudaKernels.ARGMAX_F32,
                CudaKernels.SAMPLE_F32, CudaKernels.QUANTIZE_Q8_F32, CudaKernels.embed(weights.tokenEmbedding().type())));
        for (GgmlType t : types) {
            kernels.addAll(List.of(CudaKernels.matvec(t), CudaKernels.matvecAdd(t), CudaKernels.matmul(t)));
            if (CudaKernels.MATVEC3_TYPES.contains(t)) {
                kernels.addAll(List.of(CudaKernels.matvec3(t), CudaKernels.matvecQ8x(t, false), CudaKernels.matvecQ8x(t, true),
                        CudaKernels.matvec3Q8x(t)));
            }
        }
        // every kernel looked up (and its parameter count checked against the contract) before anything is uploaded
        for (CudaKernels.Kernel k : kernels) {
            functions.put(k.name(), module.function(k));
        }
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public String deviceName() {
        return "cuda " + device.describe();
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    // ---------------------------------------------------------------- sequences

    /** A sequence's KV cache on the device and, after its first decode step, its captured decode graph. */
    private final class GpuSequence implements Sequence {
        private final int seqCapacity;
        private final int splitLength;
        private final int splits;
        private final DeviceBuffer keys;
        private final DeviceBuffer values;
        private final DeviceBuffer[] kLayer;
        private final DeviceBuffer[] vLayer;
        private CudaGraphExec decode;
        private boolean released;

        GpuSequence(int seqCapacity) {
            this.seqCapacity = seqCapacity;
            this.splitLength = KernelShapes.splitLength(seqCapacity, c.heads(), device.multiprocessors());
            this.splits = KernelShapes.splits(seqCapacity, splitLength);
            long layerBytes = 2L * seqCapacity * c.kvDim();
            this.keys = ctx.alloc(layerBytes * c.layers());
            DeviceBuffer vs;
            try {
                vs = ctx.alloc(layerBytes * c.layers());
            } catch (RuntimeException e) {
                keys.close();
                throw e;
            }
            this.values = vs;
            kLayer = new DeviceBuffer[c.layers()];
            vLayer = new DeviceBuffer[c.layers()];
            for (int l = 0; l < c.layers(); l++) {
                kLayer[l] = keys.slice(l * layerBytes, layerBytes);
                vLayer[l] = values.slice(l * layerBytes, layerBytes);
            }
        }

        @Override
        public int capacity() {
            return seqCapacity;
        }

        CudaTransformer owner() {
            return CudaTransformer.this;
        }

        @Override
        public void close() {
            synchronized (CudaTransformer.this) {
                if (released) {
                    return;
                }
                released = true;
                sequences.remove(this);
                if (!closed) {
                    free();
                }
            }
        }

        private void free() {
            ctx.makeCurrent();
            if (decode != null) {
                decode.close();
            }
            keys.close();
            values.close();
        }
    }

    @Override
    public synchronized Sequence newSequence(int seqCapacity) {
        ensureOpen();
        if (seqCapacity < 1 || seqCapacity > capacity) {
            throw new IllegalArgumentException("a sequence of " + seqCapacity + " positions (1.." + capacity + " allowed)");
        }
        ctx.makeCurrent();
        long need = kvBytes(c, seqCapacity);
        long free = ctx.freeMemory();
        if (need + HEADROOM > free) {
            throw new InsufficientMemoryException(String.format(Locale.ROOT,
                    "a new session's KV cache needs %s on %s for %d positions but only %s is free (%d sessions hold %s): close "
                            + "sessions or lower the context length", gib(need), device.describe(), seqCapacity, gib(free),
                    sequences.size(), gib(sequences.size() * need)));
        }
        GpuSequence s = new GpuSequence(seqCapacity);
        sequences.add(s);
        return s;
    }

    private GpuSequence sequence(Sequence seq) {
        if (!(seq instanceof GpuSequence s) || s.owner() != this) {
            throw new IllegalArgumentException("sequence " + seq + " was not made by this GPU forward pass");
        }
        if (s.released) {
            throw new IllegalStateException("the sequence was closed (its session's KV cache is freed)");
        }
        return s;
    }

    // ---------------------------------------------------------------- forward

    @Override
    public synchronized float[] forward(Sequence seq, int[] tokens, int off, int n, int start, boolean allLogits) {
        GpuSequence s = prepare(seq, tokens, off, n, start, 0);
        if (n == 1) {
            replayDecode(s);
        } else {
            enqueuePrefill(s, n, allLogits);
        }
        int m = allLogits ? n : 1;
        long bytes = 4L * m * c.vocabSize();
        if (hostLogits.byteSize() < bytes) {
            PinnedBuffer larger = ctx.allocHost(4L * maxBatch * c.vocabSize());
            hostLogits.close();
            hostLogits = larger;
        }
        stream.copyDtoH(hostLogits.segment(), a.logits, 0, bytes);
        stream.synchronize();
        return hostLogits.segment().asSlice(0, bytes).toArray(ValueLayout.JAVA_FLOAT);
    }

    /**
     * A prefill chunk whose logits nobody reads: the layers only, without the final norm and the output matrix (the
     * largest single product of a small model: 128,256 x 2048 for Llama-3.2-1B), and nothing copied back. A single
     * token takes the captured decode step, logits and all, as {@link #forward} does.
     */
    @Override
    public synchronized void forwardWithoutLogits(Sequence seq, int[] tokens, int off, int n, int start) {
        GpuSequence s = prepare(seq, tokens, off, n, start, 0);
        if (n == 1) {
            replayDecode(s);
        } else {
            enqueueLayers(s, n);
        }
        // the next call's prepare() rewrites the pinned ids this chunk's copy reads
        stream.synchronize();
    }

    /** Kernel launches enqueued so far (graph replays not counted): what the fake-driver tests compare. */
    synchronized long launches() {
        return launches;
    }

    /**
     * Greedy decoding picks with argmax_f32; temperature sampling (top-k, top-p, min-p) with sample_f32 when top-k is
     * within 1..64 (top-k off would mean the whole vocabulary): the defaults run on the device, and only the token id
     * comes back instead of the logits.
     */
    @Override
    public Optional<DecodePicker> decodePicker(SamplingOptions o) {
        boolean deviceCan = o.isGreedy() || (o.topK() >= 1 && o.topK() <= MAX_DEVICE_TOP_K);
        return deviceCan ? Optional.of((seq, token, pos, uniform) -> pick(seq, token, pos, uniform, o)) : Optional.empty();
    }

    private synchronized int pick(Sequence seq, int token, int pos, double uniform, SamplingOptions o) {
        if (!(uniform >= 0 && uniform < 1)) {
            throw new IllegalArgumentException("uniform number " + uniform + " is outside [0, 1)");
        }
        // a double just below 1 can round to 1f; the kernel's inverse CDF needs u < 1
        float u = Math.min((float) uniform, Math.nextDown(1f));
        GpuSequence s = prepare(seq, new int[] {token}, 0, 1, pos, u);
        replayDecode(s);
        Launch one = KernelShapes.sampling();
        if (o.isGreedy()) {
            launch(CudaKernels.ARGMAX_F32, one, a.logits, c.vocabSize(), a.picked);
        } else {
            launch(CudaKernels.SAMPLE_F32, one, a.logits, c.vocabSize(), o.temperature(), o.topK(), o.topP(), o.minP(), a.uniform,
                    a.picked);
        }
        MemorySegment out = hostIo.segment().asSlice(Activations.PICKED_OFFSET, 4);
        stream.copyDtoH(out, a.picked, 0, 4);
        stream.synchronize();
        int id = out.get(ValueLayout.JAVA_INT, 0);
        if (id < 0 || id >= c.vocabSize()) {
            throw new IllegalStateException("the GPU sampler returned token " + id + " outside the vocabulary 0.." + (c.vocabSize() - 1)
                    + " (logits NaN or all -infinity?)");
        }
        return id;
    }

    /** Checks the call, makes the context current and queues the copy of position, uniform and token ids. */
    private GpuSequence prepare(Sequence seq, int[] tokens, int off, int n, int start, float uniform) {
        ensureOpen();
        GpuSequence s = sequence(seq);
        if (n < 1 || n > maxBatch) {
            throw new IllegalArgumentException("batch of " + n + " tokens (1.." + maxBatch + " allowed)");
        }
        if (start < 0 || start + n > s.seqCapacity) {
            throw new IllegalArgumentException("positions " + start + ".." + (start + n - 1) + " exceed the context of " + s.seqCapacity);
        }
        MemorySegment io = hostIo.segment();
        for (int t = 0; t < n; t++) {
            int tok = tokens[off + t];
            if (tok < 0 || tok >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary 0.." + (c.vocabSize() - 1));
            }
            io.set(ValueLayout.JAVA_INT, Activations.IDS_OFFSET + 4L * t, tok);
        }
        io.set(ValueLayout.JAVA_INT, Activations.POS_OFFSET, start);
        io.set(ValueLayout.JAVA_FLOAT, Activations.UNIFORM_OFFSET, uniform);
        io.set(ValueLayout.JAVA_INT, Activations.PICKED_OFFSET, -1);
        ctx.makeCurrent();
        stream.copyHtoD(a.io, 0, io, Activations.IDS_OFFSET + 4L * n);
        return s;
    }

    /** Launches the sequence's decode graph, capturing it on the first call (or the kernels directly, without graphs). */
    private void replayDecode(GpuSequence s) {
        if (!launching.graphs()) {
            enqueueDecode(s);
            return;
        }
        if (s.decode == null) {
            stream.beginCapture();
            capturing = true;
            try {
                enqueueDecode(s);
            } catch (RuntimeException e) {
                capturing = false;
                // a failed launch inside the capture must still end it, or the stream stays in capture mode
                try {
                    stream.endCapture().close();
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            capturing = false;
            CudaGraph graph = stream.endCapture();
            try {
                s.decode = graph.instantiate();
            } finally {
                graph.close();
            }
        }
        s.decode.launch(stream);
    }

    /** One token at position pos[0]: matrix-vector products, flash-decoding attention, logits of the token. */
    private void enqueueDecode(GpuSequence s) {
        int dim = c.dim();
        float eps = c.rmsEps();
        launch(CudaKernels.embed(w.embedding.type()), KernelShapes.embed(dim, 1), w.embedding.data(), a.ids, a.x, dim, 1);
        for (int l = 0; l < c.layers(); l++) {
            DeviceWeights.Layer lw = w.layers.get(l);
            launch(CudaKernels.RMSNORM_F32, KernelShapes.rmsnorm(1, dim), a.x, lw.attnNorm(), a.xb, dim, eps);
            matvecs(a.xb, lw.wq(), a.q, lw.wk(), a.k, lw.wv(), a.v);
            attentionInputs(s, l, lw, 1);
            launch(CudaKernels.ATTN_DECODE_SPLIT, KernelShapes.attnDecodeSplit(c.heads(), s.splits), a.q, s.kLayer[l], s.vLayer[l], a.partial,
                    a.pos, c.heads(), c.kvHeads(), c.headDim(), c.kvDim(), attentionScale(), s.splitLength);
            launch(CudaKernels.ATTN_DECODE_COMBINE, KernelShapes.attnDecodeCombine(c.heads(), c.headDim()), a.partial, a.att, a.pos, c.heads(),
                    c.headDim(), s.splits, s.splitLength);
            matvec(lw.wo(), a.att, a.x, true);
            launch(CudaKernels.RMSNORM_F32, KernelShapes.rmsnorm(1, dim), a.x, lw.ffnNorm(), a.xb, dim, eps);
            matvecs(a.xb, lw.wGate(), a.hb, lw.wUp(), a.hb2, null, null);
            launch(CudaKernels.SILU_MUL_F32, KernelShapes.elementwise(c.ffDim()), a.hb, a.hb2, c.ffDim());
            matvec(lw.wDown(), a.hb, a.x, true);
        }
        launch(CudaKernels.RMSNORM_F32, KernelShapes.rmsnorm(1, dim), a.x, w.outputNorm, a.xb, dim, eps);
        matvec(w.output, a.xb, a.logits, false);
    }

    /** A batch of n tokens at positions pos[0]..pos[0]+n-1; logits of the last token, or of all when asked. */
    private void enqueuePrefill(GpuSequence s, int n, boolean allLogits) {
        enqueueLayers(s, n);
        int dim = c.dim();
        float eps = c.rmsEps();
        int first = allLogits ? 0 : n - 1;
        int m = n - first;
        DeviceBuffer rows = a.x.slice(4L * first * dim, 4L * m * dim);
        launch(CudaKernels.RMSNORM_F32, KernelShapes.rmsnorm(m, dim), rows, w.outputNorm, a.xb, dim, eps);
        matmul(w.output, a.xb, a.logits, m);
    }

    /** The embedding and every layer for a batch of n tokens: their keys and values stored, the residual stream in a.x. */
    private void enqueueLayers(GpuSequence s, int n) {
        int dim = c.dim();
        float eps = c.rmsEps();
        launch(CudaKernels.embed(w.embedding.type()), KernelShapes.embed(dim, n), w.embedding.data(), a.ids, a.x, dim, n);
        for (int l = 0; l < c.layers(); l++) {
            DeviceWeights.Layer lw = w.layers.get(l);
            launch(CudaKernels.RMSNORM_F32, KernelShapes.rmsnorm(n, dim), a.x, lw.attnNorm(), a.xb, dim, eps);
            matmul(lw.wq(), a.xb, a.q, n);
            matmul(lw.wk(), a.xb, a.k, n);
            matmul(lw.wv(), a.xb, a.v, n);
            attentionInputs(s, l, lw, n);
            launch(CudaKernels.ATTN_PREFILL, KernelShapes.attnPrefill(c.heads(), n), a.q, s.kLayer[l], s.vLayer[l], a.att, a.pos, c.heads(),
                    c.kvHeads(), c.headDim(), c.kvDim(), attentionScale(), n);
            matmul(lw.wo(), a.att, a.xb, n);
            launch(CudaKernels.ADD_F32, KernelShapes.elementwise((long) n * dim), a.x, a.xb, n * dim);
            launch(CudaKernels.RMSNORM_F32, KernelShapes.rmsnorm(n, dim), a.x, lw.ffnNorm(), a.xb, dim, eps);
            matmul(lw.wGate(), a.xb, a.hb, n);
            matmul(lw.wUp(), a.xb, a.hb2, n);
            launch(CudaKernels.SILU_MUL_F32, KernelShapes.elementwise((long) n * c.ffDim()), a.hb, a.hb2, n * c.ffDim());
            matmul(lw.wDown(), a.hb, a.xb, n);
            launch(CudaKernels.ADD_F32, KernelShapes.elementwise((long) n * dim), a.x, a.xb, n * dim);
        }
    }

    /** Biases, per-head norms, then RoPE on q and k with k and v into the cache at their positions (one launch). */
    private void attentionInputs(GpuSequence s, int l, DeviceWeights.Layer lw, int n) {
        int hd = c.headDim();
        if (lw.bq().isPresent()) {
            launch(CudaKernels.ADD_BIAS_F32, KernelShapes.elementwise((long) n * c.qDim()), a.q, lw.bq().get(), c.qDim(), n * c.qDim());
        }
        if (lw.bk().isPresent()) {
            launch(CudaKernels.ADD_BIAS_F32, KernelShapes.elementwise((long) n * c.kvDim()), a.k, lw.bk().get(), c.kvDim(), n * c.kvDim());
        }
        if (lw.bv().isPresent()) {
            launch(CudaKernels.ADD_BIAS_F32, KernelShapes.elementwise((long) n * c.kvDim()), a.v, lw.bv().get(), c.kvDim(), n * c.kvDim());
        }
        if (lw.qNorm().isPresent()) {
            launch(CudaKernels.RMSNORM_HEADS_F32, KernelShapes.rmsnormHeads(n * c.heads(), hd), a.q, lw.qNorm().get(), hd, c.rmsEps());
            launch(CudaKernels.RMSNORM_HEADS_F32, KernelShapes.rmsnormHeads(n * c.kvHeads(), hd), a.k, lw.kNorm().orElseThrow(), hd, c.rmsEps());
        }
        int neox = c.architecture().ropeStyle() == Architecture.RopeStyle.SPLIT_HALVES ? 1 : 0;
        Object factors = w.ropeFreqFactors.<Object>map(f -> f).orElse(0L);
        launch(CudaKernels.ROPE_KV_STORE_F16, KernelShapes.ropeKvStore(c.heads(), c.kvHeads(), n, hd), a.q, a.k, a.v, s.kLayer[l], s.vLayer[l],
                a.pos, c.heads(), c.kvHeads(), hd, c.ropeDim(), c.ropeTheta(), c.ropeScale(), factors, neox);
    }

    private float attentionScale() {
        return (float) (1.0 / Math.sqrt(c.headDim()));
    }

    /** y = W x for one token; {@code add}: y += W x (the fused residual of the output and down projections). */
    private void matvec(DeviceWeights.Matrix m, DeviceBuffer x, DeviceBuffer y, boolean add) {
        if (q8(m)) {
            quantizeQ8(x, m.cols());
            launch(CudaKernels.matvecQ8x(m.type(), add), KernelShapes.matvec(m.rows()), m.data(), a.xq, a.xd, a.xs, y, m.rows(), m.cols());
            return;
        }
        launch(add ? CudaKernels.matvecAdd(m.type()) : CudaKernels.matvec(m.type()), KernelShapes.matvec(m.rows()), m.data(), x, y, m.rows(), m.cols());
    }

    /**
     * y0 = W0 x, y1 = W1 x and (when m2 is not null) y2 = W2 x for one token: one matvec3 launch when the
     * matrices share a weight type that has one and a column count, otherwise one launch each.
     */
    private void matvecs(DeviceBuffer x, DeviceWeights.Matrix m0, DeviceBuffer y0, DeviceWeights.Matrix m1, DeviceBuffer y1,
                         DeviceWeights.Matrix m2, DeviceBuffer y2) {
        boolean fusable = CudaKernels.MATVEC3_TYPES.contains(m0.type()) && m1.type() == m0.type() && m1.cols() == m0.cols()
                && (m2 == null || (m2.type() == m0.type() && m2.cols() == m0.cols()));
        if (!fusable) {
            matvec(m0, x, y0, false);
            matvec(m1, x, y1, false);
            if (m2 != null) {
                matvec(m2, x, y2, false);
            }
            return;
        }
        // an absent third matrix gets the first's pointers and 0 rows: no block reaches it
        DeviceWeights.Matrix third = m2 == null ? m0 : m2;
        int rows2 = m2 == null ? 0 : m2.rows();
        Launch shape = KernelShapes.matvec3(m0.rows(), m1.rows(), rows2);
        if (q8(m0)) {
            quantizeQ8(x, m0.cols());
            launch(CudaKernels.matvec3Q8x(m0.type()), shape, m0.data(), m1.data(), third.data(), a.xq, a.xd, a.xs,
                    y0, y1, m2 == null ? y0 : y2, m0.rows(), m1.rows(), rows2, m0.cols());
            return;
        }
        launch(CudaKernels.matvec3(m0.type()), shape, m0.data(), m1.data(), third.data(), x,
                y0, y1, m2 == null ? y0 : y2, m0.rows(), m1.rows(), rows2, m0.cols());
    }

    /** Whether this single-token product multiplies x quantized to Q8_0 (see {@link Launching#q8Activations()}). */
    private boolean q8(DeviceWeights.Matrix m) {
        return launching.q8Activations() && CudaKernels.MATVEC3_TYPES.contains(m.type()) && m.cols() % 32 == 0;
    }

    /** x[0..cols) to Q8_0 in a.xq, a.xd, a.xs, for the next integer product. */
    private void quantizeQ8(DeviceBuffer x, int cols) {
        launch(CudaKernels.QUANTIZE_Q8_F32, KernelShapes.quantizeQ8(cols), x, a.xq, a.xd, a.xs, cols);
    }

    /**
     * Y = X W^T for n tokens (x [n][cols], y [n][rows]): the tensor-core kernel where the contract allows the
     * column count, otherwise one matrix-vector product per token.
     */
    private void matmul(DeviceWeights.Matrix m, DeviceBuffer x, DeviceBuffer y, int n) {
        if (n == 1) {
            matvec(m, x, y, false);
        } else if (KernelShapes.matmulSupports(m.type(), m.cols())) {
            launch(CudaKernels.matmul(m.type()), KernelShapes.matmul(m.rows(), n), m.data(), x, y, m.rows(), m.cols(), n);
        } else {
            long xRow = 4L * m.cols();
            long yRow = 4L * m.rows();
            for (int t = 0; t < n; t++) {
                matvec(m, x.slice(t * xRow, xRow), y.slice(t * yRow, yRow), false);
            }
        }
    }

    private void launch(CudaKernels.Kernel kernel, Launch shape, Object... args) {
        CudaFunction f = functions.get(kernel.name());
        if (f == null) {
            throw new IllegalStateException("kernel " + kernel.name() + " was not resolved from the module");
        }
        stream.launch(f, shape.grid(), shape.block(), 0, args);
        launches++;
        if (launching.syncEachLaunch() && !capturing) {
            try {
                stream.synchronize();
            } catch (RuntimeException e) {
                throw new IllegalStateException("kernel " + kernel.name() + " grid " + shape.grid() + " block " + shape.block() + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the GPU forward pass on " + device.describe() + " is closed");
        }
    }

    /** Frees every sequence, the weights and the context. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (GpuSequence s : sequences) {
            s.released = true;
        }
        sequences.clear();
        ctx.close();
    }
}
