package dev.chrysalis.host.llm;

import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.chat.ChatTemplate;
import dev.chrysalis.inference.chat.ChatTemplateException;
import dev.chrysalis.inference.constrain.JsonSchema;
import dev.chrysalis.inference.constrain.JsonSchemaConstraint;
import dev.chrysalis.inference.constrain.TokenTrie;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.InsufficientMemoryException;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.StopReason;
import dev.chrysalis.inference.gguf.GgufFormatException;
import dev.chrysalis.inference.gpu.cuda.CudaUnavailableException;
import dev.chrysalis.inference.model.UnsupportedModelException;
import dev.chrysalis.inference.sampling.LogitsProcessor;
import dev.chrysalis.inference.sampling.SamplingOptions;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import dev.chrysalis.inference.tokenizer.TokenizerException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A loaded chat model: the engine, its tokenizer and chat template, and the vocabulary trie constrained decoding
 * walks. Generates chat replies (free text streamed as it is decoded, or JSON under a schema) in a caller's
 * {@link Session} so the caller decides which conversations share a KV cache.
 */
public final class LlmModel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LlmModel.class.getName());

    /** One reply: its text, the tokens it cost and why it stopped. */
    public record Completion(String text, int promptTokens, int reusedTokens, int generatedTokens, StopReason stopReason) {
        /** Prompt tokens actually computed (not taken from the session's cache). */
        public int computedPromptTokens() {
            return promptTokens - reusedTokens;
        }
    }

    private final ModelConfig config;
    private final Engine engine;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final Set<Integer> stopTokens;
    private volatile TokenTrie trie;

    private LlmModel(ModelConfig config, Engine engine, Tokenizer tokenizer, ChatTemplate template) {
        this.config = config;
        this.engine = engine;
        this.tokenizer = tokenizer;
        this.template = template;
        this.stopTokens = template.stopTokens(tokenizer);
    }

    /**
     * Loads the configured model.
     *
     * @throws ModelLoadException naming the file when it is missing, does not fit in memory, or its architecture,
     *                            tokenizer or chat format is unsupported
     */
    public static LlmModel load(ModelConfig config) {
        Path path = config.modelPath();
        EngineOptions options = EngineOptions.defaults().withThreads(config.threads())
                .withContextLength(config.contextLength()).withKvCacheType(config.kvCacheType()).withDevice(config.device());
        Engine engine;
        try {
            engine = Engine.load(path, options);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model file " + path + " does not exist (--model, or model.path in " + ModelConfig.FILE_NAME + ")", e);
        } catch (InsufficientMemoryException e) {
            throw new ModelLoadException("model " + path + " does not fit in memory: " + e.getMessage(), e);
        } catch (UnsupportedModelException e) {
            // the engine's message names the architectures it supports
            throw new ModelLoadException("model " + path + " is not supported: " + e.getMessage(), e);
        } catch (GgufFormatException e) {
            throw new ModelLoadException("model " + path + " is not a usable GGUF file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("model " + path + " cannot be read: " + e.getMessage(), e);
        } catch (CudaUnavailableException e) {
            throw new ModelLoadException("model " + path + " cannot run on the GPU: " + e.getMessage() + " (set device=auto or cpu in "
                    + ModelConfig.FILE_NAME + ")", e);
        }
        try {
            Tokenizer tok = engine.tokenizer();
            ChatTemplate template = config.chatTemplate().map(ChatTemplate::named)
                    .orElseGet(() -> ChatTemplate.forModel(engine.file().metadata()));
            LOG.log(System.Logger.Level.INFO, "LLM brain model {0}: chat template {1}, context {2}", path.getFileName(),
                    template.name(), engine.contextLength());
            LlmModel model = new LlmModel(config, engine, tok, template);
            engine.warmUpInBackground();  // compiles the CPU kernels before the first turn instead of during it
            return model;
        } catch (TokenizerException | ChatTemplateException e) {
            engine.close();
            throw new ModelLoadException("model " + path + " cannot chat: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    /** The model file's name without folders (what {@code /v1/models} lists). */
    public String id() {
        String name = config.modelPath().getFileName().toString();
        return name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    public ChatTemplate template() {
        return template;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int contextLength() {
        return engine.contextLength();
    }

    /** A new conversation with its own KV cache (close it, or let the caller's pool evict it). */
    public Session newSession() {
        return engine.newSession();
    }

    /** Prompt tokens of {@code messages} ending where the assistant's reply begins. */
    public int[] encode(List<ChatMessage> messages) {
        return template.encode(tokenizer, messages, true);
    }

    private TokenTrie trie() {
        TokenTrie t = trie;
        if (t == null) {
            synchronized (this) {
                t = trie;
                if (t == null) {
                    t = TokenTrie.of(tokenizer);
                    trie = t;
                }
            }
        }
        return t;
    }

    /**
     * Generates the assistant's free-text reply to {@code messages}, passing each decoded piece of text to
     * {@code onText} as soon as it is whole UTF-8.
     */
    public Completion chat(Session session, List<ChatMessage> messages, int maxTokens, SamplingOptions sampling, long seed,
                           Consumer<String> onText) {
        return run(session, messages, maxTokens, sampling, seed, List.of(), onText);
    }

    /**
     * Generates the assistant's reply as one JSON document of {@code schema} (constrained decoding: every token
     * keeps the text a prefix of a valid document). The completion stops when the document closes; if it stops
     * for another reason (token budget, context) its text is incomplete and {@link Completion#stopReason()} says why.
     */
    public Completion json(Session session, List<ChatMessage> messages, JsonSchema schema, int maxTokens,
                           SamplingOptions sampling, long seed) {
        JsonSchemaConstraint constraint = new JsonSchemaConstraint(schema, trie());
        Completion c = run(session, messages, maxTokens, sampling, seed, List.of(constraint), s -> { });
        return new Completion(constraint.text(), c.promptTokens(), c.reusedTokens(), c.generatedTokens(), c.stopReason());
    }

    private Completion run(Session session, List<ChatMessage> messages, int maxTokens, SamplingOptions sampling, long seed,
                           List<LogitsProcessor> processors, Consumer<String> onText) {
        Objects.requireNonNull(session, "session");
        int[] prompt = encode(messages);
        int room = session.contextLength() - prompt.length;
        if (room <= 0) {
            throw new ContextOverflowException("the conversation needs " + prompt.length + " tokens but the context holds "
                    + session.contextLength() + " (raise context.length in " + ModelConfig.FILE_NAME + ")");
        }
        TextStream stream = new TextStream(tokenizer, stopTokens, onText);
        GenerationRequest request = new GenerationRequest(prompt, Math.min(maxTokens, room), sampling, new SplittableRandom(seed),
                stopTokens, processors);
        GenerationResult r = session.generate(request, stream::token);
        stream.finish();
        return new Completion(stream.text(), r.promptTokens(), r.reusedTokens(), r.tokens().length, r.stopReason());
    }

    /** Decodes tokens to text incrementally: control and stop tokens are dropped, split UTF-8 is held back. */
    private static final class TextStream {
        private final Tokenizer tokenizer;
        private final Set<Integer> stops;
        private final Consumer<String> sink;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);

        TextStream(Tokenizer tokenizer, Set<Integer> stops, Consumer<String> sink) {
            this.tokenizer = tokenizer;
            this.stops = stops;
            this.sink = sink;
        }

        void token(int id) {
            if (stops.contains(id) || tokenizer.isControl(id)) {
                return;
            }
            pending.writeBytes(tokenizer.tokenBytes(id));
            emit(false);
        }

        void finish() {
            emit(true);
        }

        private void emit(boolean end) {
            byte[] bytes = pending.toByteArray();
            ByteBuffer in = ByteBuffer.wrap(bytes);
            CharBuffer out = CharBuffer.allocate(bytes.length + 1);
            decoder.reset();
            CoderResult cr = decoder.decode(in, out, end);
            if (end) {
                decoder.flush(out);
            }
            if (cr.isError()) {
                // REPLACE action never reports errors; kept for completeness
                return;
            }
            out.flip();
            String piece = out.toString();
            pending.reset();
            pending.write(bytes, in.position(), bytes.length - in.position());
            if (!piece.isEmpty()) {
                text.append(piece);
                sink.accept(piece);
            }
        }

        String text() {
            return text.toString();
        }
    }

    @Override
    public void close() {
        engine.close();
    }

}
