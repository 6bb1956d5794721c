package dev.chrysalis.inference.bench;

import dev.chrysalis.inference.gguf.GgmlType;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gguf.GgufValue;
import dev.chrysalis.inference.gguf.GgufValueType;
import dev.chrysalis.inference.gguf.GgufWriter;
import dev.chrysalis.inference.gguf.GgufWriter.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the llama-architecture models of the shared tools' {@code gen_gguf.py} in Java, byte for byte
 * the same file for the same options (its help text specifies the weights: splitmix64-uniform values per
 * tensor element, quantized as {@code ggml_quants.py} does). The Python tool needs a minute or more of
 * numpy for a 1B-class model; this writes one in seconds on all cores, which makes 7B-class benchmarks
 * fit in a short session on a borrowed GPU machine.
 */
public final class SyntheticLlama {

    private static final long GOLD = 0x9E3779B97F4A7C15L;
    private static final String GENERATOR = "gen_gguf.py splitmix64-uniform v1";
    /**
     * The weight types gen_gguf.py writes, and Q4_1, Q5_K and BF16, which it does not (see {@link ReferenceQuantizers}), with
     * the llama.cpp file type a model of that type declares.
     */
    private static final Map<GgmlType, Integer> FILE_TYPES = Map.of(GgmlType.F32, 0, GgmlType.F16, 1, GgmlType.Q4_0, 2,
            GgmlType.Q4_1, 3, GgmlType.Q8_0, 7, GgmlType.Q4_K, 15, GgmlType.Q5_K, 16, GgmlType.Q6_K, 18, GgmlType.BF16, 32);

    /** The mixed file types {@link Options#of(String, String)} writes besides {@link #weightTypes()}. */
    public static final List<String> MIXES = List.of("Q4_K_M");

    /**
     * Whether layer {@code i} of {@code n} gets more bits in a K-quant "M" mix: llama.cpp's {@code use_more_bits}, the
     * first and last eighth of the layers and every third layer between.
     */
    public static boolean moreBits(int i, int n) {
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
    }

    /** The weight types this writer writes, in GGML's order. */
    public static List<GgmlType> weightTypes() {
        return java.util.Arrays.stream(GgmlType.values()).filter(FILE_TYPES::containsKey).toList();
    }

    /** gen_gguf.py's presets and Llama 3 8B's shape: layers, width, heads, KV heads, FFN width, vocabulary, context, RoPE theta. */
    public record Preset(int layers, int embd, int heads, int kvHeads, int ff, int vocab, int ctx, double ropeTheta) {
    }

    public static final Map<String, Preset> PRESETS = Map.of(
            "tiny", new Preset(2, 128, 4, 2, 384, 512, 256, 10000.0),
            "small", new Preset(4, 256, 8, 4, 768, 4096, 512, 10000.0),
            "stories15m-shape", new Preset(6, 288, 6, 6, 768, 32000, 256, 10000.0),
            "tinyllama-1.1b", new Preset(22, 2048, 32, 4, 5632, 32000, 2048, 10000.0),
            "llama3.2-1b", new Preset(16, 2048, 32, 8, 8192, 128256, 2048, 500000.0),
            "llama2-7b", new Preset(32, 4096, 32, 32, 11008, 32000, 2048, 10000.0),
            // not one of gen_gguf.py's: Llama 3 8B's shape (grouped-query attention, 14336-wide FFN, 128K vocabulary)
            "llama3-8b", new Preset(32, 4096, 32, 8, 14336, 128256, 8192, 500000.0));

    /**
     * gen_gguf.py's options; {@code null} or empty means the tool's default. {@code vocabFrom} copies the
     * {@code tokenizer.*} metadata of another GGUF, otherwise a synthetic SentencePiece vocabulary of
     * {@code vocab} tokens is written.
     */
    public record Options(Preset shape, GgmlType wtype, GgmlType embdType, GgmlType outputType, boolean tieEmbeddings,
                          double outScale, Double embdScale, double blockScale, long seed, String name, int align,
                          Optional<Path> vocabFrom, double rmsEps, GgmlType moreBits) {

        /**
         * {@link #of(String, GgmlType)}, or for {@link #MIXES} a model mixed as llama.cpp's quantizer mixes that file
         * type: {@code Q4_K_M} is Q4_K with the output matrix in Q6_K, and attn_v and ffn_down in Q6_K in the layers
         * its {@code use_more_bits} picks (the first and last eighth, and every third between).
         */
        public static Options of(String preset, String type) {
            if (type.equals("Q4_K_M")) {
                return of(preset, GgmlType.Q4_K).withTypes(null, GgmlType.Q6_K, false).withMoreBits(GgmlType.Q6_K);
            }
            if (weightTypes().stream().noneMatch(t -> t.name().equals(type))) {
                throw new IllegalArgumentException("weight type " + type + " is not one this writer writes " + weightTypes() + " " + MIXES);
            }
            return of(preset, GgmlType.valueOf(type));
        }

        public static Options of(String preset, GgmlType wtype) {
            Preset p = PRESETS.get(preset);
            if (p == null) {
                throw new IllegalArgumentException("unknown preset '" + preset + "'; known: " + String.join(", ", PRESETS.keySet().stream().sorted().toList()));
            }
            return new Options(p, wtype, null, null, false, 2.0, null, 1.0, 1234, null, 32, Optional.empty(), 1e-5, null);
        }

        public Options withVocabFrom(Path gguf) {
            return new Options(shape, wtype, embdType, outputType, tieEmbeddings, outScale, embdScale, blockScale, seed, name, align,
                    Optional.of(gguf), rmsEps, moreBits);
        }

        public Options withShape(Preset p) {
            return new Options(p, wtype, embdType, outputType, tieEmbeddings, outScale, embdScale, blockScale, seed, name, align,
                    vocabFrom, rmsEps, moreBits);
        }

        public Options withTypes(GgmlType embd, GgmlType output, boolean tie) {
            return new Options(shape, wtype, embd, output, tie, outScale, embdScale, blockScale, seed, name, align, vocabFrom, rmsEps,
                    moreBits);
        }

        public Options withSeed(long s) {
            return new Options(shape, wtype, embdType, outputType, tieEmbeddings, outScale, embdScale, blockScale, s, name, align,
                    vocabFrom, rmsEps, moreBits);
        }

        /** attn_v and ffn_down in {@code t} in the layers {@link #moreBits(int, int)} picks (null: no such layers). */
        public Options withMoreBits(GgmlType t) {
            return new Options(shape, wtype, embdType, outputType, tieEmbeddings, outScale, embdScale, blockScale, seed, name, align,
                    vocabFrom, rmsEps, t);
        }
    }

    /** What was written: size, tensor count, parameters, vocabulary size and seconds taken. */
    public record Written(Path file, long bytes, int tensors, long parameters, int vocab, double seconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "wrote %s: %d bytes, %d tensors, %.1fM params, vocab %d, %.1fs",
                    file, bytes, tensors, parameters / 1e6, vocab, seconds);
        }
    }

    private record Planned(TensorSpec spec, double center, double scale) {
    }

    private SyntheticLlama() {
    }

    /** Writes the model of {@code o} to {@code out} using {@code threads} threads for values and quantization. */
    public static Written write(Path out, Options o, int threads) throws IOException {
        long t0 = System.nanoTime();
        Preset p = o.shape();
        check(p, o);
        int headDim = p.embd() / p.heads();
        int embdKv = headDim * p.kvHeads();
        Map<String, GgufValue> tokenizer = new LinkedHashMap<>();
        int vocab = o.vocabFrom().isPresent() ? copyTokenizer(o.vocabFrom().get(), tokenizer) : syntheticVocab(p.vocab(), tokenizer);

        double sIn = Math.sqrt(3.0 / p.embd());
        double sFf = Math.sqrt(3.0 / p.ff());
        double bsc = o.blockScale();
        double embdScale = o.embdScale() != null ? o.embdScale() : o.tieEmbeddings() ? o.outScale() * sIn : 1.0;
        GgmlType w = o.wtype();
        List<Planned> plan = new ArrayList<>();
        plan.add(matrix("token_embd.weight", p.embd(), vocab, Optional.ofNullable(o.embdType()).orElse(w), embdScale));
        for (int i = 0; i < p.layers(); i++) {
            String b = "blk." + i + ".";
            plan.add(norm(b + "attn_norm.weight", p.embd()));
            plan.add(matrix(b + "attn_q.weight", p.embd(), p.embd(), w, bsc * sIn));
            plan.add(matrix(b + "attn_k.weight", p.embd(), embdKv, w, bsc * sIn));
            GgmlType more = o.moreBits() != null && moreBits(i, p.layers()) ? o.moreBits() : w;
            plan.add(matrix(b + "attn_v.weight", p.embd(), embdKv, more, bsc * sIn));
            plan.add(matrix(b + "attn_output.weight", p.embd(), p.embd(), w, bsc * sIn));
            plan.add(norm(b + "ffn_norm.weight", p.embd()));
            plan.add(matrix(b + "ffn_gate.weight", p.embd(), p.ff(), w, bsc * sIn));
            plan.add(matrix(b + "ffn_up.weight", p.embd(), p.ff(), w, bsc * sIn));
            plan.add(matrix(b + "ffn_down.weight", p.ff(), p.embd(), more, bsc * sFf));
        }
        plan.add(norm("output_norm.weight", p.embd()));
        if (!o.tieEmbeddings()) {
            plan.add(matrix("output.weight", p.embd(), vocab, Optional.ofNullable(o.outputType()).orElse(w), o.outScale() * sIn));
        }

        Map<String, GgufValue> meta = new LinkedHashMap<>();
        String name = o.name() != null ? o.name()
                : String.format(Locale.ROOT, "synthetic-llama-L%d-E%d-H%d-KV%d-FF%d-V%d-%s%s", p.layers(), p.embd(), p.heads(), p.kvHeads(), p.ff(), vocab, w,
                        o.moreBits() != null ? "-M" : "");
        meta.put("general.architecture", str("llama"));
        meta.put("general.name", str(name));
        meta.put("general.file_type", u32(FILE_TYPES.get(w)));
        meta.put("general.quantization_version", u32(2));
        meta.put("llama.vocab_size", u32(vocab));
        meta.put("llama.context_length", u32(p.ctx()));
        meta.put("llama.embedding_length", u32(p.embd()));
        meta.put("llama.block_count", u32(p.layers()));
        meta.put("llama.feed_forward_length", u32(p.ff()));
        meta.put("llama.attention.head_count", u32(p.heads()));
        meta.put("llama.attention.head_count_kv", u32(p.kvHeads()));
        meta.put("llama.rope.dimension_count", u32(headDim));
        meta.put("llama.rope.freq_base", new GgufValue.FloatValue(GgufValueType.FLOAT32, p.ropeTheta()));
        meta.put("llama.attention.layer_norm_rms_epsilon", new GgufValue.FloatValue(GgufValueType.FLOAT32, o.rmsEps()));
        meta.put("synthetic.seed", new GgufValue.IntValue(GgufValueType.UINT64, o.seed()));
        meta.put("synthetic.generator", str(GENERATOR));
        if (o.align() != 32) {
            meta.put("general.alignment", u32(o.align()));
        }
        meta.putAll(tokenizer);

        List<TensorSpec> specs = plan.stream().map(Planned::spec).toList();
        long bytes;
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "synthetic-llama");
            t.setDaemon(true);
            return t;
        });
        try {
            bytes = GgufWriter.write(out, meta, specs, o.align(), (index, spec, sink) -> writeTensor(o.seed(), plan.get(index), sink, pool, threads));
        } finally {
            pool.shutdownNow();
        }
        long params = specs.stream().mapToLong(TensorSpec::elements).sum();
        return new Written(out, bytes, specs.size(), params, vocab, (System.nanoTime() - t0) / 1e9);
    }

    private static void check(Preset p, Options o) {
        if (p.layers() < 1 || p.embd() < 1 || p.heads() < 1 || p.kvHeads() < 1 || p.ff() < 1 || p.ctx() < 1) {
            throw new IllegalArgumentException("every dimension must be positive: " + p);
        }
        if (p.embd() % p.heads() != 0 || p.heads() % p.kvHeads() != 0) {
            throw new IllegalArgumentException("n_embd " + p.embd() + " must divide into " + p.heads() + " heads, and the heads into "
                    + p.kvHeads() + " KV heads");
        }
        for (GgmlType t : new GgmlType[] {o.wtype(), o.embdType(), o.outputType(), o.moreBits()}) {
            if (t != null && !FILE_TYPES.containsKey(t)) {
                throw new IllegalArgumentException("weight type " + t + " is not one this writer writes " + weightTypes());
            }
        }
    }

    /** Rows must be whole blocks; otherwise the tensor stays F32, as gen_gguf.py's {@code pick}. */
    private static Planned matrix(String name, int ne0, int ne1, GgmlType t, double scale) {
        GgmlType type = ne0 % t.blockSize() == 0 ? t : GgmlType.F32;
        return new Planned(new TensorSpec(name, new long[] {ne0, ne1}, type), 0.0, scale);
    }

    private static Planned norm(String name, int n) {
        return new Planned(new TensorSpec(name, new long[] {n}, GgmlType.F32), 1.0, 0.2);
    }

    /** Rows are generated and quantized in parallel chunks of about 4 MiB of values, then written in order. */
    private static void writeTensor(long seed, Planned t, GgufWriter.DataSink sink, ExecutorService pool, int threads) throws IOException {
        TensorSpec spec = t.spec();
        int ne0 = (int) spec.ne()[0];
        long rows = spec.elements() / ne0;
        int rowsPerChunk = Math.max(1, (1 << 20) / ne0);
        long tensorSeed = splitmix64(seed ^ fnv1a64(spec.name()));
        int bytesPerRow = (int) spec.type().byteSize(ne0);
        List<Future<ByteBuffer>> inFlight = new ArrayList<>();
        long next = 0;
        while (next < rows || !inFlight.isEmpty()) {
            while (next < rows && inFlight.size() < 2 * Math.max(1, threads)) {
                long r0 = next;
                int n = (int) Math.min(rowsPerChunk, rows - r0);
                inFlight.add(pool.submit(() -> {
                    float[] values = new float[n * ne0];
                    fill(tensorSeed, r0 * ne0, values, t.center(), t.scale());
                    ByteBuffer out = ByteBuffer.allocate(n * bytesPerRow);
                    ReferenceQuantizers.quantize(spec.type(), values, values.length, out);
                    return out.flip();
                }));
                next += n;
            }
            try {
                sink.put(inFlight.removeFirst().get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while generating " + spec.name(), e);
            } catch (ExecutionException e) {
                throw new IOException("generating " + spec.name() + " failed: " + e.getCause(), e.getCause());
            }
        }
    }

    /** Element {@code first + k} of a tensor: {@code float32(center + scale * (2u - 1))}, u from splitmix64. */
    static void fill(long tensorSeed, long first, float[] out, double center, double scale) {
        for (int k = 0; k < out.length; k++) {
            long z = splitmix64(tensorSeed + (first + k) * GOLD);
            double u = (z >>> 40) * (1.0 / (1 << 24));
            out[k] = (float) (center + scale * (2.0 * u - 1.0));
        }
    }

    static long splitmix64(long z) {
        z += GOLD;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static long fnv1a64(String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    private static int copyTokenizer(Path from, Map<String, GgufValue> into) throws IOException {
        try (GgufFile f = GgufFile.openMetadataOnly(from)) {
            for (String key : f.metadata().keys()) {
                if (key.startsWith("tokenizer.")) {
                    into.put(key, f.metadata().get(key).orElseThrow());
                }
            }
        }
        if (!(into.get("tokenizer.ggml.tokens") instanceof GgufValue.StringArray tokens)) {
            throw new IOException(from + " has no tokenizer.ggml.tokens to copy the vocabulary from");
        }
        return tokens.size();
    }

    /** gen_gguf.py's SentencePiece-style vocabulary: specials, 256 byte tokens, then pieces grown a letter at a time. */
    private static int syntheticVocab(int n, Map<String, GgufValue> into) {
        if (n < 3 + 256 + 1) {
            throw new IllegalArgumentException("a synthetic vocabulary needs at least 260 tokens, not " + n);
        }
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Long> types = new ArrayList<>(List.of(2L, 3L, 3L));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format(Locale.ROOT, "<0x%02X>", b));
            types.add(6L);
        }
        String letters = "etaoinshrdlcumwfgypbvkjxqz";
        List<String> pieces = new ArrayList<>();
        pieces.add("\u2581");
        letters.chars().forEach(c -> pieces.add(Character.toString(c)));
        letters.toUpperCase(Locale.ROOT).chars().forEach(c -> pieces.add(Character.toString(c)));
        "0123456789.,!?'\"-:;()".chars().forEach(c -> pieces.add(Character.toString(c)));
        Set<String> seen = new HashSet<>(pieces);
        List<String> frontier = new ArrayList<>();
        frontier.add("\u2581");
        letters.chars().forEach(c -> frontier.add(Character.toString(c)));
        grow:
        while (tokens.size() + pieces.size() < n && !frontier.isEmpty()) {
            List<String> nextFrontier = new ArrayList<>();
            for (String p : frontier) {
                for (char c : letters.toCharArray()) {
                    String q = p + c;
                    if (seen.add(q)) {
                        pieces.add(q);
                        nextFrontier.add(q);
                    }
                    if (tokens.size() + pieces.size() >= n) {
                        break grow;
                    }
                }
            }
            frontier.clear();
            frontier.addAll(nextFrontier);
        }
        List<String> kept = pieces.subList(0, Math.min(pieces.size(), n - tokens.size()));
        double[] scores = new double[tokens.size() + kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            scores[259 + i] = -(double) i;  // -0.0 first, as Python writes -float(0)
            types.add(1L);
        }
        tokens.addAll(kept);
        into.put("tokenizer.ggml.model", str("llama"));
        into.put("tokenizer.ggml.tokens", new GgufValue.StringArray(List.copyOf(tokens)));
        into.put("tokenizer.ggml.scores", new GgufValue.FloatArray(GgufValueType.FLOAT32, scores));
        into.put("tokenizer.ggml.token_type", new GgufValue.IntArray(GgufValueType.INT32, types.stream().mapToLong(Long::longValue).toArray()));
        into.put("tokenizer.ggml.bos_token_id", u32(1));
        into.put("tokenizer.ggml.eos_token_id", u32(2));
        into.put("tokenizer.ggml.unknown_token_id", u32(0));
        into.put("tokenizer.ggml.add_bos_token", new GgufValue.BoolValue(true));
        into.put("tokenizer.ggml.add_eos_token", new GgufValue.BoolValue(false));
        return tokens.size();
    }

    private static GgufValue str(String s) {
        return new GgufValue.StringValue(s);
    }

    private static GgufValue u32(long v) {
        return new GgufValue.IntValue(GgufValueType.UINT32, v);
    }
}
