package dev.chrysalis.inference.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.kernels.CpuVendor;
import dev.chrysalis.inference.kernels.TiledBatch;
import dev.chrysalis.inference.kernels.VectorKernels;
import dev.chrysalis.inference.kernels.WorkerPool;
import dev.chrysalis.inference.model.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code bench inference}: prefill and decode speed of this engine against llama.cpp (the CPU build
 * shipped by the npm package node-llama-cpp) on the same 1B-class GGUF files, with the same prompt
 * tokens and thread count, measured in the same run; plus decode as a fraction of the memory-bandwidth
 * roofline (weight bytes read per token / read bandwidth measured here in Java).
 *
 * <p>With {@code --device cuda} the engine runs on the GPU (no CPU peer then) and the roofline is the
 * weight and KV-cache bytes a decode step reads over the device-to-device copy bandwidth measured with
 * {@link GpuBandwidth}.
 *
 * <p>Models are generated once into a cache folder by {@link SyntheticLlama} (the file {@code gen_gguf.py}
 * writes, in seconds instead of minutes); the peer is installed once with npm into another. Our engine runs each
 * model in a child JVM of its own ({@link ModelProbe}, driven by {@link ModelRun}), as the CPU ceilings do
 * ({@link CeilingsProbe}): kernels warmed by an earlier model in the same JVM can make a later model's box.
 */
public final class InferenceBench {

    static final String NODE_LLAMA_CPP = "node-llama-cpp@3.22.1";
    static final String NODE_LLAMA_CPP_LINUX = "@node-llama-cpp/linux-x64@3.22.1";

    record Options(int threads, Path models, Optional<Path> tools, Optional<Path> vocabFrom, List<String> presets,
                   int promptTokens, int genTokens, int runs, boolean peer, Path peerDir, Device device) {
    }

    record Speed(double prefill, double decode) {
    }

    private final PrintStream out;
    private final PrintStream err;

    public InferenceBench(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static String usage() {
        return """
                usage: bench inference [--threads N] [--models DIR] [--presets P:T,...] [--prompt N] [--gen N] [--runs N]
                                       [--tools DIR] [--vocab-from FILE] [--no-peer] [--peer-dir DIR] [--device cpu|cuda]
                  --presets   gen_gguf.py preset:type list (default tinyllama-1.1b:Q4_0,tinyllama-1.1b:Q8_0,llama3.2-1b:Q4_0);
                              presets tiny, small, stories15m-shape, tinyllama-1.1b, llama3.2-1b, llama2-7b, llama3-8b;
                              types F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K, and Q4_K_M (llama.cpp's mix)
                  --models    cache folder for generated models (default ~/.cache/chrysalis/bench)
                  --peer-dir  cache folder for node-llama-cpp (default ~/.cache/chrysalis/node-llama-cpp)
                  --device    cpu (default) or cuda: the GPU engine, roofline from the measured device-to-device bandwidth""";
    }

    public int run(String... args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench inference: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        try {
            return bench(o);
        } catch (IOException | RuntimeException e) {
            err.println("bench inference: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("bench inference: interrupted");
            return 1;
        }
    }

    static Options parse(String... args) {
        Path home = Path.of(System.getProperty("user.home"));
        int threads = 2;
        Path models = home.resolve(".cache/chrysalis/bench");
        Path peerDir = home.resolve(".cache/chrysalis/node-llama-cpp");
        Optional<Path> tools = Optional.empty();
        Optional<Path> vocab = Optional.empty();
        List<String> presets = List.of("tinyllama-1.1b:Q4_0", "tinyllama-1.1b:Q8_0", "llama3.2-1b:Q4_0");
        int prompt = 128;
        int gen = 64;
        int runs = 2;
        boolean peer = true;
        Device device = Device.CPU;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--threads" -> threads = intArg(args, ++i, a, 1);
                case "--models" -> models = Path.of(arg(args, ++i, a));
                case "--tools" -> tools = Optional.of(Path.of(arg(args, ++i, a)));
                case "--vocab-from" -> vocab = Optional.of(Path.of(arg(args, ++i, a)));
                case "--presets" -> presets = List.of(arg(args, ++i, a).split(","));
                case "--prompt" -> prompt = intArg(args, ++i, a, 1);
                case "--gen" -> gen = intArg(args, ++i, a, 2);
                case "--runs" -> runs = intArg(args, ++i, a, 1);
                case "--no-peer" -> peer = false;
                case "--peer-dir" -> peerDir = Path.of(arg(args, ++i, a));
                case "--device" -> device = Device.parse(arg(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        List<String> types = new ArrayList<>(SyntheticLlama.weightTypes().stream().map(Enum::name).toList());
        types.addAll(SyntheticLlama.MIXES);
        for (String p : presets) {
            if (!p.matches("[A-Za-z0-9._-]+:(" + String.join("|", types) + ")")) {
                throw new IllegalArgumentException("preset '" + p + "' is not PRESET:TYPE (types " + String.join(", ", types) + ")");
            }
            if (!SyntheticLlama.PRESETS.containsKey(p.split(":")[0])) {
                throw new IllegalArgumentException("unknown preset in '" + p + "'; known: " + String.join(", ", SyntheticLlama.PRESETS.keySet().stream().sorted().toList()));
            }
        }
        if (device == Device.AUTO) {
            throw new IllegalArgumentException("--device must be cpu or cuda for a benchmark (auto would hide what was measured)");
        }
        return new Options(threads, models, tools, vocab, presets, prompt, gen, runs, peer, peerDir, device);
    }

    private static String arg(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static int intArg(String[] args, int i, String name, int min) {
        String v = arg(args, i, name);
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
        }
    }

    /**
     * This machine's read bandwidth and float and 16-bit integer multiply-add peaks, in bytes/s, FLOP/s and integer
     * operations/s, on {@code threads} threads.
     */
    record CpuCeilings(double bandwidth, double flopPeak, double shortPeak) {
        /**
         * Measured in a JVM of its own ({@link CeilingsProbe}). In this one, the probes' loops left the Vector API's
         * shared methods with traps and profiles that made C2 compile the decode kernels of the models measured
         * after them into code that boxes some of its vectors (JFR: the scale conversions and the sums' widening
         * after the kernels' inner loops, run as Java code on arrays). TinyLlama Q4_0 then Q8_0 in fresh bench JVMs
         * on 2 Zen 5 cores: 20 of 31 boxed in one kernel or both, up to 473 MB allocated per decode step and Q4_0
         * decode at half speed, whatever the JIT flags tried; with the probes left out 0 of 6, in a child JVM 0 of 6.
         */
        static CpuCeilings measure(int threads) throws IOException, InterruptedException {
            ProcessBuilder pb = childJvm(CeilingsProbe.class, Integer.toString(threads));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            Matcher m = Pattern.compile("(?m)^ceilings (\\S+) (\\S+) (\\S+)$").matcher(output);
            if (exit != 0 || !m.find()) {
                throw new IOException("the CPU ceilings probe (" + CeilingsProbe.class.getName() + " in a child JVM) exited with " + exit
                        + ": " + output.strip());
            }
            return new CpuCeilings(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)));
        }

        /** The probes themselves, in this JVM: {@link CeilingsProbe}'s work. */
        static CpuCeilings measureHere(int threads) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                return new CpuCeilings(MemoryBandwidth.measure(pool, 1L << 30, 3), FloatPeak.measure(pool, 3), ShortPeak.measure(pool, 3));
            }
        }

        CpuCeilings best(CpuCeilings other) {
            return new CpuCeilings(Math.max(bandwidth, other.bandwidth), Math.max(flopPeak, other.flopPeak),
                    Math.max(shortPeak, other.shortPeak));
        }

        /**
         * The share of its compute peaks a prefill at {@code tokensPerSecond} reaches: the time the peaks would take for a
         * token's multiply-adds ({@code integerFlops} of them at the 16-bit peak, the rest at the float peak) over the
         * time it took.
         */
        double prefillShare(double tokensPerSecond, long flops, long integerFlops) {
            return tokensPerSecond * ((flops - integerFlops) / flopPeak + integerFlops / shortPeak);
        }
    }

    /**
     * The note the table needs when a model ran at more than 100% of its roofline or of the compute peaks: the host
     * was slower while the ceilings were probed than while the model ran (its other tenants come and go), so the
     * share says nothing and the ratio to llama.cpp, measured in alternating rounds, is the number to read.
     */
    static Optional<String> beyondCeilings(String model, double ofRoofPercent, double ofPeakPercent) {
        boolean decode = ofRoofPercent > 100;
        boolean prefill = ofPeakPercent > 100;
        if (!decode && !prefill) {
            return Optional.empty();
        }
        List<String> what = new ArrayList<>();
        List<String> shares = new ArrayList<>();
        if (prefill) {
            what.add("prefill");
        }
        if (decode) {
            what.add("decode");
            shares.add(fmt(ofRoofPercent, 0) + "% of roofline");
        }
        if (prefill) {
            shares.add(fmt(ofPeakPercent, 0) + "% of peak");
        }
        return Optional.of(String.format(Locale.ROOT, "note: %s ran %s faster than the ceilings measured in this run allow (%s): the "
                + "host was slower while they were probed than while the model ran; read its ratio to llama.cpp instead", model,
                String.join(" and ", what), String.join(", ", shares)));
    }

    private int bench(Options o) throws IOException, InterruptedException {
        Files.createDirectories(o.models());
        List<Path> files = new ArrayList<>();
        for (String p : o.presets()) {
            files.add(ensureModel(o, p));
        }
        boolean gpu = o.device() == Device.CUDA;
        if (gpu && o.peer()) {
            err.println("--device cuda: the llama.cpp peer is a CPU build, so it is not measured");
        }
        Optional<Path> peerScript = o.peer() && !gpu ? preparePeer(o) : Optional.empty();
        out.printf(Locale.ROOT, "machine: %d cores%s, %.1f GiB, vector lanes %d (float); threads %d; Q4_0 prefill in %s%n",
                Runtime.getRuntime().availableProcessors(), CpuVendor.id().isEmpty() ? "" : " (" + CpuVendor.id() + ")",
                totalMemory() / (double) (1L << 30), VectorKernels.lanes(), o.threads(), TiledBatch.INTEGER_Q4 ? "16-bit integers" : "float");
        out.printf(Locale.ROOT, "prompt %d tokens, %d generated, best of %d alternating rounds per engine; load average before: %.2f%n", o.promptTokens(),
                o.genTokens(), o.runs(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.println();
        record Row(Path file, Speed ours, Optional<Speed> peer, long bytesPerToken, long flopsPerToken, long integerFlopsPerToken) {
        }
        int gpuOrdinal = -1;
        // measured before the models and again after them, the best kept: a shared host's other tenants can take
        // most of the bandwidth for a few seconds, and one unlucky pass made the roofline a quarter of the real one
        CpuCeilings before = gpu ? null : CpuCeilings.measure(o.threads());
        List<Row> rows = new ArrayList<>();
        int status = 0;
        String prefixReport = "";
        StringBuilder memoryReport = new StringBuilder();
        for (Path f : files) {
            Speed ours = new Speed(0, 0);
            Optional<Speed> peer = Optional.empty();
            long decodeAllocation = Long.MAX_VALUE;
            // each model in a JVM of its own (ModelProbe): see there why
            try (ModelRun run = ModelRun.start(f, o)) {
                ModelRun.Loaded loaded = run.loaded();
                // the prompt the child measures with, for the peer
                int[] prompt = prompt(o.promptTokens(), f, loaded.vocab());
                if (gpu) {
                    gpuOrdinal = loaded.gpuOrdinal();
                    out.println("engine: " + loaded.description());
                }
                // rounds alternate between the engines so that both see the same background load
                for (int r = 0; r < o.runs(); r++) {
                    ModelRun.Round round = run.round();
                    ours = best(ours, round.speed());
                    if (round.decodeBytesPerStep() >= 0) {
                        decodeAllocation = Math.min(decodeAllocation, round.decodeBytesPerStep());
                    }
                    if (peerScript.isPresent() && status == 0) {
                        try {
                            Speed p = measurePeer(peerScript.get(), f, prompt, o);
                            peer = Optional.of(best(peer.orElse(new Speed(0, 0)), p));
                        } catch (IOException ex) {
                            err.println("llama.cpp peer failed on " + f.getFileName() + ": " + ex.getMessage());
                            status = 1;
                        }
                    }
                }
                if (prefixReport.isEmpty()) {
                    prefixReport = run.request("prefix") + System.lineSeparator();
                }
                String[] memory = run.request("memory").split(" ", 2);
                memoryReport.append(String.format(Locale.ROOT,
                        "resident memory with %s loaded: %s (file %.0f MiB + KV cache %.1f MiB; JVM heap committed %.0f MiB;"
                                + " heap allocated per decode step %s)%n",
                        f.getFileName(), memory[1], Files.size(f) / 1048576.0, loaded.kvBytes() / 1048576.0,
                        Long.parseLong(memory[0]) / 1048576.0,
                        decodeAllocation == Long.MAX_VALUE ? "unknown" : fmt(decodeAllocation / 1024.0, 1) + " KiB"));
                rows.add(new Row(f, ours, peer, loaded.bytesPerToken(), loaded.flopsPerToken(), loaded.integerFlopsPerToken()));
            }
        }
        double bandwidth;
        CpuCeilings ceilings = null;
        if (gpu) {
            GpuBandwidth.Result r = GpuBandwidth.measure(CudaDriver.load(), gpuOrdinal, 1L << 30, 20);
            bandwidth = r.bestBytesPerSecond();
            out.printf(Locale.ROOT, "%s: device-to-device copy bandwidth (2 x 1 GiB, best of 20, read + write): %.1f GB/s%n%n",
                    r.device().describe(), bandwidth / 1e9);
        } else {
            CpuCeilings after = CpuCeilings.measure(o.threads());
            CpuCeilings best = before.best(after);
            ceilings = best;
            bandwidth = best.bandwidth();
            out.printf(Locale.ROOT, "memory read bandwidth (Java, %d threads, 1 GiB buffer; before / after the models: %.1f / %.1f): %.1f GB/s%n",
                    o.threads(), before.bandwidth() / 1e9, after.bandwidth() / 1e9, bandwidth / 1e9);
            out.printf(Locale.ROOT, "float multiply-add peak (Java Vector API, %d threads, registers only; before / after: %.1f / %.1f): %.1f GFLOP/s%n",
                    o.threads(), before.flopPeak() / 1e9, after.flopPeak() / 1e9, best.flopPeak() / 1e9);
            out.printf(Locale.ROOT, "16-bit integer multiply-add peak (the same; Q4_0 prefill's kernels; before / after: %.1f / %.1f): %.1f G ops/s%n%n",
                    before.shortPeak() / 1e9, after.shortPeak() / 1e9, best.shortPeak() / 1e9);
        }
        out.printf(Locale.ROOT, "%-28s %12s %12s %7s %8s %12s %12s %7s %10s %9s%n", "model", "prefill t/s", "llama.cpp", "ratio",
                "of peak", "decode t/s", "llama.cpp", "ratio", "roofline", "of roof");
        List<String> notes = new ArrayList<>();
        for (Row row : rows) {
            Speed ours = row.ours();
            Optional<Speed> peer = row.peer();
            double roof = bandwidth / row.bytesPerToken();
            double ofRoof = 100 * ours.decode() / roof;
            double ofPeak = ceilings != null ? 100 * ceilings.prefillShare(ours.prefill(), row.flopsPerToken(), row.integerFlopsPerToken()) : 0;
            out.printf(Locale.ROOT, "%-28s %12.1f %12s %7s %8s %12.2f %12s %7s %10.1f %8.0f%%%n", row.file().getFileName(), ours.prefill(),
                    peer.map(p -> fmt(p.prefill(), 1)).orElse("-"), peer.map(p -> fmt(ours.prefill() / p.prefill(), 2) + "x").orElse("-"),
                    ceilings != null ? fmt(ofPeak, 0) + "%" : "-", ours.decode(), peer.map(p -> fmt(p.decode(), 2)).orElse("-"),
                    peer.map(p -> fmt(ours.decode() / p.decode(), 2) + "x").orElse("-"), roof, ofRoof);
            beyondCeilings(row.file().getFileName().toString(), ofRoof, ofPeak).ifPresent(notes::add);
        }
        notes.forEach(out::println);
        out.println();
        out.println(prefixReport);
        out.print(memoryReport);
        out.println(gpu
                ? "roofline = device-to-device bandwidth / (weight bytes + f16 KV bytes read per decode step, at the mean position of the "
                        + "generated tokens); target >= 85% at batch 1"
                : "roofline = measured read bandwidth / weight bytes read per token; of peak = the time the peaks above would take for "
                        + "prefill's weight multiply-adds (16-bit ones at the integer peak, the rest at the float peak) / the time it took; ratio = ours / llama.cpp (targets: decode >= 1.2x, prefill >= 1.0x)");
        return status;
    }

    /**
     * A child JVM like this one running {@code main} with {@code args}: this JVM's JIT settings (the launcher's trap
     * limits), not its flight recorder, nor a caller's {@code JAVA_TOOL_OPTIONS} (the child is not what an agent or
     * recorder set out to watch). The bench's CPU probes ({@link CeilingsProbe}) and each model ({@link ModelProbe})
     * run in one.
     */
    static ProcessBuilder childJvm(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:") && !a.contains("FlightRecord")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return pb;
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static long totalMemory() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os ? os.getTotalMemorySize() : 0;
    }

    /**
     * BOS then seeded pseudo-random ids from the lower part of a vocabulary of {@code vocab} ids (ids 100..20099 where
     * it has 20100 or more, as the bench's 32000-token models do), the same for both engines.
     */
    static int[] prompt(int n, Path model, int vocab) {
        if (vocab <= 101) {
            throw new IllegalArgumentException(model.getFileName() + ": a vocabulary of " + vocab + " tokens is too small for the bench's prompts");
        }
        SplittableRandom r = new SplittableRandom(model.getFileName().toString().length());
        int[] p = new int[n];
        p[0] = 1;
        for (int i = 1; i < n; i++) {
            p[i] = 100 + r.nextInt(Math.min(20000, vocab - 100));
        }
        return p;
    }

    private static Speed best(Speed a, Speed b) {
        return new Speed(Math.max(a.prefill(), b.prefill()), Math.max(a.decode(), b.decode()));
    }

    /**
     * KV-cache bytes (f16 keys and values of every layer) one decode step reads, at the mean position of
     * the generated tokens: step p reads the p + 1 cached positions.
     */
    static long kvBytesPerDecodeStep(ModelConfig c, int promptTokens, int genTokens) {
        long meanPositions = promptTokens + genTokens / 2 + 1;
        return 2L * 2L * c.layers() * c.kvDim() * meanPositions;
    }

    private Path ensureModel(Options o, String preset) throws IOException {
        String[] pt = preset.split(":");
        Path file = o.models().resolve(pt[0] + "-" + pt[1] + ".gguf");
        Path vocab = o.vocabFrom().or(() -> o.tools().or(InferenceBench::findTools)
                        .map(t -> defaultVocabulary(t.getParent().resolve("fixtures"), SyntheticLlama.PRESETS.get(pt[0]))))
                .orElseThrow(() -> new IOException("cannot find the vocabulary to generate " + file.getFileName()
                        + " with: pass --vocab-from FILE or --tools DIR (the shared tools folder)"));
        if (Files.isRegularFile(file)) {
            // a file from an earlier run is kept unless its vocabulary is not the one it would be written with now
            int cached = vocabularySize(file);
            int wanted = vocabularySize(vocab);
            if (cached == wanted) {
                return file;
            }
            err.println(file.getFileName() + " has a vocabulary of " + cached + " tokens, " + vocab.getFileName() + " " + wanted
                    + ": writing it again");
        }
        err.println("generating " + file + " (" + preset + ", gen_gguf.py's weights written in Java) ...");
        Files.createDirectories(o.models());
        SyntheticLlama.Written w = SyntheticLlama.write(file, SyntheticLlama.Options.of(pt[0], pt[1]).withVocabFrom(vocab),
                Runtime.getRuntime().availableProcessors());
        err.println(w);
        return file;
    }

    private static final int LLAMA3_VOCABULARY = 128256;

    /**
     * The tokenizer a preset's model is written with: Llama 3's (128,256 tokens, BPE) for a preset of that vocabulary, so
     * its embedding and output matrices are as large as the real model's; llama-2-tiny-random's SentencePiece (32,000)
     * otherwise.
     */
    static Path defaultVocabulary(Path fixtures, SyntheticLlama.Preset shape) {
        Path llama3 = fixtures.resolve("vocab/ggml-vocab-llama-bpe.gguf");
        if (shape != null && shape.vocab() == LLAMA3_VOCABULARY && Files.isRegularFile(llama3)) {
            return llama3;
        }
        return fixtures.resolve("models/llama-2-tiny-random.gguf");
    }

    private static int vocabularySize(Path gguf) throws IOException {
        try (GgufFile f = GgufFile.openMetadataOnly(gguf)) {
            return f.metadata().getStringArray("tokenizer.ggml.tokens").size();
        }
    }

    private static Optional<Path> findTools() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("chrysalis.tools")).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getProperty("chrysalis.fixtures")).map(p -> Path.of(p).resolveSibling("tools")).ifPresent(candidates::add);
        Path cwd = Path.of("").toAbsolutePath();
        for (Path d = cwd; d != null; d = d.getParent()) {
            candidates.add(d.resolve("shared/tools"));
            candidates.add(d.resolve("../shared/tools").normalize());
        }
        return candidates.stream().filter(p -> Files.isRegularFile(p.resolve("gen_gguf.py"))).findFirst();
    }

    private Optional<Path> preparePeer(Options o) throws IOException, InterruptedException {
        Path dir = o.peerDir();
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir.resolve("node_modules/node-llama-cpp")) || !Files.isDirectory(dir.resolve("node_modules/@node-llama-cpp/linux-x64"))) {
            if (!Files.exists(dir.resolve("package.json"))) {
                Files.writeString(dir.resolve("package.json"), "{\"name\":\"chrysalis-llamacpp-peer\",\"private\":true,\"type\":\"module\"}\n");
            }
            err.println("installing " + NODE_LLAMA_CPP + " into " + dir + " ...");
            ProcessBuilder pb = new ProcessBuilder("npm", "install", "--omit=optional", "--no-audit", "--no-fund", NODE_LLAMA_CPP,
                    NODE_LLAMA_CPP_LINUX).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().put("NODE_LLAMA_CPP_SKIP_DOWNLOAD", "true");
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                err.println("llama.cpp peer unavailable (npm not found: " + e.getMessage() + "); measuring this engine only");
                return Optional.empty();
            }
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                err.println("llama.cpp peer unavailable: npm install failed: " + log.strip());
                return Optional.empty();
            }
        }
        Path script = dir.resolve("llamacpp-bench.mjs");
        try (InputStream in = InferenceBench.class.getResourceAsStream("llamacpp-bench.mjs")) {
            if (in == null) {
                throw new IOException("resource llamacpp-bench.mjs missing from the build");
            }
            Files.write(script, in.readAllBytes());
        }
        return Optional.of(script);
    }

    private static final Pattern NUM = Pattern.compile("\"(prefill_tps|decode_tps)\":([0-9.eE+-]+)");

    private Speed measurePeer(Path script, Path model, int[] prompt, Options o) throws IOException, InterruptedException {
        String ids = IntStream.of(prompt).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Process p = new ProcessBuilder("node", script.getFileName().toString(), model.toAbsolutePath().toString(),
                Integer.toString(o.threads()), ids, Integer.toString(o.genTokens()), "2")
                .directory(script.getParent().toFile()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("node exited with " + (p.isAlive() ? "timeout" : p.exitValue()) + ": " + text.strip());
        }
        double prefill = -1;
        double decode = -1;
        Matcher m = NUM.matcher(text);
        while (m.find()) {
            double v = Double.parseDouble(m.group(2));
            if (m.group(1).equals("prefill_tps")) {
                prefill = v;
            } else {
                decode = v;
            }
        }
        if (prefill <= 0 || decode <= 0) {
            throw new IOException("unexpected peer output: " + text.strip());
        }
        return new Speed(prefill, decode);
    }
}
