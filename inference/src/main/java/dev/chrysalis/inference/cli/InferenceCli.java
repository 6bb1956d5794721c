package dev.chrysalis.inference.cli;

import dev.chrysalis.inference.bench.GpuBandwidth;
import dev.chrysalis.inference.bench.InferenceBench;
import dev.chrysalis.inference.engine.Device;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.InsufficientMemoryException;
import dev.chrysalis.inference.engine.NotAModelFileException;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gguf.GgufFormatException;
import dev.chrysalis.inference.gpu.cuda.CudaDevice;
import dev.chrysalis.inference.gpu.cuda.CudaDriver;
import dev.chrysalis.inference.gpu.cuda.CudaException;
import dev.chrysalis.inference.gpu.cuda.CudaProbe;
import dev.chrysalis.inference.gpu.cuda.CudaUnavailableException;
import dev.chrysalis.inference.model.KvCacheType;
import dev.chrysalis.inference.model.UnsupportedModelException;
import dev.chrysalis.inference.sampling.SamplingOptions;
import dev.chrysalis.inference.chat.ChatTemplate;
import dev.chrysalis.inference.chat.ChatTemplateException;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import dev.chrysalis.inference.tokenizer.TokenizerException;
import dev.chrysalis.inference.tokenizer.Tokenizers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Command line of the inference engine: {@code generate} (one prompt, or an interactive {@code --chat}),
 * {@code gpu} (what the CUDA driver offers), {@code bench inference} and {@code bench gpu-bandwidth}. The host
 * wires {@code ./chrysalis generate ...}, {@code ./chrysalis gpu} and {@code ./chrysalis bench ...} to {@link #run}.
 */
public final class InferenceCli {

    /** Builds the tokenizer of a model from its GGUF metadata. */
    @FunctionalInterface
    public interface TokenizerLoader {
        Tokenizer load(GgufFile file);
    }

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final TokenizerLoader tokenizers;

    public InferenceCli(PrintStream out, PrintStream err, InputStream in, TokenizerLoader tokenizers) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.tokenizers = tokenizers;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs a command; returns the process exit status (0 ok, 1 failure, 2 usage error). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return new InferenceCli(out, err, System.in, Tokenizers::fromGguf).execute(args);
    }

    static String usage() {
        return """
                usage: generate --model M.gguf --prompt "..." [--max-tokens N] [--temperature T] [--top-k K] [--top-p P]
                                [--min-p P] [--repeat-penalty R] [--seed S] [--threads N] [--kv f32|f16|q8_0] [--ctx N]
                                [--device auto|cpu|cuda] [--exact] [--chat [--system TEXT] [--template NAME]]   (generate --help)
                       gpu                         the CUDA GPUs found (exit 1 with the reason when there is none)
                       bench inference [options]   (bench inference --help for its options)
                       bench gpu-bandwidth [options]   device-to-device copy bandwidth (bench gpu-bandwidth --help)""";
    }

    /** {@code generate --help}: every option, with its default. */
    static String generateHelp() {
        SamplingOptions d = SamplingOptions.defaults();
        return String.format(Locale.ROOT, """
                usage: generate --model M.gguf (--prompt "..." | --chat) [options]
                Generates text with a GGUF model (llama, qwen2, qwen3) on the built-in engine: the prompt's continuation,
                streamed as it comes, then a line on stderr with the speeds and why it stopped.

                  -m, --model FILE        the GGUF model file (required)
                  -p, --prompt TEXT       the text to continue (a BOS token is added where the model wants one)
                  -n, --max-tokens N      tokens to generate at most (default 256; 0: only read the prompt)
                      --temperature T     sampling temperature; 0 or less picks the likeliest token (greedy) (default %.2f)
                      --top-k K           sample among the K likeliest tokens; 0 = all (default %d)
                      --top-p P           ... within the smallest set whose probabilities add up to P, in (0, 1] (default %.2f)
                      --min-p P           ... dropping tokens less likely than P times the likeliest, in [0, 1) (default %.2f)
                      --repeat-penalty R  make the last %d tokens less likely (1 = off) (default %.2f)
                      --seed S            seed of the sampler, for a repeatable run (default: from the clock)
                  -t, --threads N         worker threads (default: one per core)
                      --ctx N             context length in tokens (default: the model's, at most 4096)
                      --kv f32|f16|q8_0   KV cache storage: f32 exact; f16 and q8_0 take half and a quarter of the
                                          memory at a small logit error (q8_0 needs a head size that is a multiple of 32)
                      --device D          auto (a CUDA GPU of compute capability 8.0 or more when present), cpu or cuda
                      --exact             on the CPU, keep activations in float32 in every product (slower; logits match
                                          a float reference to rounding) instead of quantizing them to 8 bits as llama.cpp
                      --chat              talk turn by turn (the session keeps the conversation; /reset, /exit)
                      --system TEXT       with --chat: the system prompt
                      --template NAME     with --chat: llama3, llama2, chatml (also qwen), phi3 or zephyr (default: the
                                          one the model's tokenizer.chat_template names)
                  -h, --help              this text

                Exit status: 0 done, 1 the model could not be loaded or run (the reason on stderr), 2 bad options.""",
                d.temperature(), d.topK(), d.topP(), d.minP(), d.repeatLastN(), d.repeatPenalty());
    }

    public int execute(String... args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(usage());
            return args.length == 0 ? 2 : 0;
        }
        return switch (args[0]) {
            case "generate" -> generate(java.util.Arrays.copyOfRange(args, 1, args.length));
            case "gpu" -> gpu();
            case "bench" -> {
                if (args.length < 2 || !(args[1].equals("inference") || args[1].equals("gpu-bandwidth"))) {
                    err.println("error: unknown benchmark; use 'bench inference' or 'bench gpu-bandwidth'");
                    yield 2;
                }
                boolean gpu = args[1].equals("gpu-bandwidth");
                if (args.length > 2 && args[2].equals("--help")) {
                    out.println(gpu ? GpuBandwidth.usage() : InferenceBench.usage());
                    yield 0;
                }
                String[] rest = java.util.Arrays.copyOfRange(args, 2, args.length);
                yield gpu ? new GpuBandwidth(out, err).run(rest) : new InferenceBench(out, err).run(rest);
            }
            default -> {
                err.println("error: unknown command '" + args[0] + "'");
                err.println(usage());
                yield 2;
            }
        };
    }

    /** Parsed {@code generate} options. */
    record GenerateArgs(Path model, String prompt, int maxTokens, SamplingOptions sampling, long seed, int threads,
                        KvCacheType kv, int ctx, boolean chat, java.util.Optional<String> system, java.util.Optional<String> template,
                        Device device, boolean exact) {
    }

    /** The options of {@code generate}; empty when {@code -h} or {@code --help} stands where an option does. */
    static java.util.Optional<GenerateArgs> parse(String... args) {
        Path model = null;
        String prompt = null;
        int maxTokens = 256;
        SamplingOptions s = SamplingOptions.defaults();
        long seed = System.nanoTime();
        int threads = 0;
        KvCacheType kv = KvCacheType.F32;
        int ctx = 0;
        boolean chat = false;
        String system = null;
        String template = null;
        Device device = Device.AUTO;
        boolean exact = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model", "-m" -> model = Path.of(value(args, ++i, a));
                case "--prompt", "-p" -> prompt = value(args, ++i, a);
                case "--max-tokens", "-n" -> maxTokens = integer(args, ++i, a);
                case "--temperature", "--temp" -> s = s.withTemperature((float) number(args, ++i, a));
                case "--top-k" -> s = s.withTopK(integer(args, ++i, a));
                case "--top-p" -> s = s.withTopP((float) number(args, ++i, a));
                case "--min-p" -> s = s.withMinP((float) number(args, ++i, a));
                case "--repeat-penalty" -> s = s.withRepeatPenalty((float) number(args, ++i, a));
                case "--seed" -> seed = wholeNumber(args, ++i, a);
                case "--threads", "-t" -> threads = integer(args, ++i, a);
                case "--ctx" -> ctx = integer(args, ++i, a);
                case "--kv" -> {
                    String v = value(args, ++i, a);
                    kv = KvCacheType.parse(v).orElseThrow(() -> new IllegalArgumentException("--kv: '" + v + "' is not f32, f16 or q8_0"));
                }
                case "--device" -> {
                    String v = value(args, ++i, a);
                    try {
                        device = Device.parse(v);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--device: '" + v + "' is not auto, cpu or cuda");
                    }
                }
                case "--chat" -> chat = true;
                case "--exact" -> exact = true;
                case "--system" -> system = value(args, ++i, a);
                case "--template" -> template = value(args, ++i, a);
                case "--help", "-h" -> {
                    return java.util.Optional.empty();
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is required");
        }
        if (prompt == null && !chat) {
            throw new IllegalArgumentException("--prompt is required (or use --chat)");
        }
        if (maxTokens < 0 || threads < 0 || ctx < 0) {
            throw new IllegalArgumentException("--max-tokens, --threads and --ctx must not be negative");
        }
        return java.util.Optional.of(new GenerateArgs(model, prompt, maxTokens, s, seed, threads, kv, ctx, chat,
                java.util.Optional.ofNullable(system), java.util.Optional.ofNullable(template), device, exact));
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static int integer(String[] args, int i, String name) {
        long v = wholeNumber(args, i, name);
        if (v != (int) v) {
            throw new IllegalArgumentException(name + ": " + v + " is out of range");
        }
        return (int) v;
    }

    private static long wholeNumber(String[] args, int i, String name) {
        String v = value(args, i, name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a whole number");
        }
    }

    private static double number(String[] args, int i, String name) {
        String v = value(args, i, name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + v + "' is not a number");
        }
    }

    private int generate(String... args) {
        GenerateArgs g;
        try {
            java.util.Optional<GenerateArgs> parsed = parse(args);
            if (parsed.isEmpty()) {
                out.println(generateHelp());
                return 0;
            }
            g = parsed.get();
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(usage());
            return 2;
        }
        ProgressBar bar = new ProgressBar(err, "loading " + g.model().getFileName());
        EngineOptions options = EngineOptions.defaults().withThreads(g.threads()).withContextLength(g.ctx())
                .withKvCacheType(g.kv()).withPrefault(true).withProgress(bar::update).withDevice(g.device())
                .withExactActivations(g.exact());
        try (Engine engine = Engine.load(g.model(), options)) {
            bar.done();
            err.println("[device: " + engine.deviceSelection().description() + "]");
            if (engine.contextLength() > engine.config().trainedContext()) {
                // as llama.cpp warns: positions past the trained ones are out of what the model has seen
                err.println("[warning: context " + engine.contextLength() + " is longer than the " + engine.config().trainedContext()
                        + " positions the model was trained on; text past them may degrade]");
            }
            Tokenizer tok = tokenizers.load(engine.file());
            if (g.chat()) {
                engine.warmUpInBackground();  // while the user types the first message
                ChatTemplate template = g.template().map(ChatTemplate::named).orElseGet(() -> ChatTemplate.forModel(engine.file().metadata()));
                return new ChatLoop(engine, tok, template, g, out, err,
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))).run();
            }
            int[] prompt = promptTokens(tok, g.prompt());
            try (Session s = engine.newSession()) {
                StreamingText text = new StreamingText(tok, out);
                GenerationResult r = s.generate(request(tok, prompt, g), text::accept);
                text.flush();
                out.println();
                err.printf(Locale.ROOT, "[%d prompt tokens %.1f tok/s, %d generated %.2f tok/s, first token %.0f ms, stop: %s]%n",
                        r.promptTokens(), r.prefillTokensPerSecond(), r.tokens().length, r.decodeTokensPerSecond(),
                        r.firstTokenNanos() / 1e6, r.stopReason().name().toLowerCase(Locale.ROOT));
            }
            return 0;
        } catch (NoSuchFileException e) {
            bar.abort();
            err.println("error: model file not found: " + g.model());
            return 1;
        } catch (UnsupportedModelException e) {
            bar.abort();
            err.println("error: unsupported model " + g.model().getFileName() + ": " + e.getMessage());
            return 1;
        } catch (GgufFormatException e) {
            bar.abort();
            err.println("error: invalid model file " + g.model().getFileName() + ": " + e.getMessage());
            return 1;
        } catch (CudaUnavailableException | CudaException e) {
            bar.abort();
            err.println("error: " + e.getMessage());
            return 1;
        } catch (InsufficientMemoryException e) {
            bar.abort();
            err.println("error: model does not fit in memory: " + e.getMessage());
            return 1;
        } catch (NotAModelFileException e) {
            bar.abort();
            err.println("error: " + e.getFile() + " is " + e.getReason());
            return 1;
        } catch (IOException e) {
            bar.abort();
            err.println("error: cannot read " + g.model() + ": " + e.getMessage());
            return 1;
        } catch (TokenizerException e) {
            bar.abort();
            err.println("error: tokenizer of " + g.model().getFileName() + ": " + e.getMessage());
            return 1;
        } catch (ChatTemplateException e) {
            bar.abort();
            err.println("error: chat template: " + e.getMessage() + (g.template().isEmpty() ? "; name one with --template" : ""));
            return 1;
        } catch (IllegalArgumentException | IllegalStateException e) {
            bar.abort();
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** {@code gpu}: the driver probe; the GPUs and exit 0, or the one-line reason and exit 1. */
    private int gpu() {
        CudaProbe probe = CudaDriver.probe();
        if (!probe.available()) {
            err.println("gpu: " + probe.reason());
            return 1;
        }
        out.println(probe.reason().substring(0, probe.reason().indexOf(':')));
        for (CudaDevice d : probe.devices()) {
            out.printf(Locale.ROOT, "%s%s, memory %d-bit at %d MHz%n", d.describe(), d.supported() ? "" : " [unsupported: cc < 8.0]",
                    d.memoryBusWidthBits(), d.memoryClockKHz() / 1000);
        }
        if (probe.unusableReason().isPresent()) {
            err.println("gpu: " + probe.unusableReason().get());
            return 1;
        }
        return 0;
    }

    static int[] promptTokens(Tokenizer tok, String text) {
        int[] body = tok.encode(text);
        if (tok.addBosByDefault() && tok.bosId().isPresent()) {
            int[] p = new int[body.length + 1];
            p[0] = tok.bosId().getAsInt();
            System.arraycopy(body, 0, p, 1, body.length);
            return p;
        }
        return body;
    }

    static GenerationRequest request(Tokenizer tok, int[] prompt, GenerateArgs g) {
        Set<Integer> stops = new HashSet<>();
        tok.eosId().ifPresent(stops::add);
        tok.eotId().ifPresent(stops::add);
        return GenerationRequest.greedy(prompt, g.maxTokens()).withSampling(g.sampling(), g.seed()).withStopTokens(stops);
    }

    /** Prints token bytes as UTF-8 text as soon as whole characters are available. */
    static final class StreamingText {
        private final Tokenizer tok;
        private final PrintStream out;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);
        private final StringBuilder all = new StringBuilder();

        StreamingText(Tokenizer tok, PrintStream out) {
            this.tok = tok;
            this.out = out;
        }

        void accept(int id) {
            if (tok.isControl(id)) {
                return;
            }
            byte[] b = tok.tokenBytes(id);
            ByteBuffer buf = ByteBuffer.allocate(pending.remaining() + b.length);
            buf.put(pending).put(b).flip();
            CharBuffer chars = CharBuffer.allocate(buf.remaining() + 1);
            decoder.decode(buf, chars, false);
            chars.flip();
            pending = buf.slice();
            String s = chars.toString();
            all.append(s);
            out.print(s);
            out.flush();
        }

        void flush() {
            if (pending.hasRemaining()) {
                out.print('\uFFFD');
                pending = ByteBuffer.allocate(0);
            }
            out.flush();
        }

        String text() {
            return all.toString();
        }
    }
}
