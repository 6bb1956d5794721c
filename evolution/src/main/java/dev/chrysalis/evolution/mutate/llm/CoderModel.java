package dev.chrysalis.evolution.mutate.llm;

import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.chat.ChatTemplate;
import dev.chrysalis.inference.constrain.JsonSchema;
import dev.chrysalis.inference.constrain.JsonSchemaConstraint;
import dev.chrysalis.inference.constrain.TokenTrie;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.StopReason;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The coder's model on our engine: its tokenizer, chat template and the vocabulary trie constrained decoding
 * walks. Answers a conversation with one JSON document of a schema, in one reused session (the coder's
 * prompts share their system prefix, which stays in the KV cache).
 */
public final class CoderModel implements AutoCloseable {

    /** One answer: the document text (complete only when {@code stopReason} is CONSTRAINT_COMPLETE), its cost. */
    public record Answer(String text, StopReason stopReason, int promptTokens, int reusedTokens, int generatedTokens, long nanos) {
        public boolean complete() {
            return stopReason == StopReason.CONSTRAINT_COMPLETE;
        }
    }

    private final LlmCoderSettings settings;
    private final Engine engine;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final Set<Integer> stops;
    private final TokenTrie trie;
    private final BitSet quotes;
    private final BitSet closers;
    private final Session session;

    private CoderModel(LlmCoderSettings settings, Engine engine) {
        this.settings = settings;
        this.engine = engine;
        this.tokenizer = engine.tokenizer();
        this.template = settings.chatTemplate().map(ChatTemplate::named).orElseGet(() -> ChatTemplate.forModel(engine.file().metadata()));
        this.stops = template.stopTokens(tokenizer);
        this.trie = TokenTrie.of(tokenizer);
        this.quotes = ClosingBudget.containing(tokenizer, "\"");
        this.closers = ClosingBudget.containing(tokenizer, "]}");
        this.session = engine.newSession();
    }

    /**
     * Loads the coder's model.
     *
     * @throws UncheckedIOException naming the file when it cannot be read; the engine's own exceptions when it
     *                              is not a usable model
     */
    public static CoderModel load(LlmCoderSettings settings) {
        EngineOptions options = EngineOptions.defaults().withThreads(settings.threads()).withContextLength(settings.contextLength());
        Engine engine;
        try {
            engine = Engine.load(settings.model(), options);
        } catch (IOException e) {
            throw new UncheckedIOException("coder model " + settings.model() + " cannot be read: " + e.getMessage(), e);
        }
        try {
            return new CoderModel(settings, engine);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    public LlmCoderSettings settings() {
        return settings;
    }

    /** The chat template's name. */
    public String template() {
        return template.name();
    }

    public int contextLength() {
        return engine.contextLength();
    }

    /** Prompt tokens of {@code messages}, ending where the assistant's reply begins. */
    public int promptTokens(List<ChatMessage> messages) {
        return template.encode(tokenizer, messages, true).length;
    }

    /**
     * The assistant's reply to {@code messages}, decoded under {@code schema} with the given seed; the last
     * {@code closingReserve} tokens of the budget only close what is open, so a document whose longest
     * closing path fits the reserve always completes.
     */
    public synchronized Answer json(List<ChatMessage> messages, JsonSchema schema, int closingReserve, long seed) {
        int[] prompt = template.encode(tokenizer, messages, true);
        int room = session.contextLength() - prompt.length;
        if (room <= 0) {
            throw new IllegalArgumentException("coder prompt of " + prompt.length + " tokens does not fit the context of "
                    + session.contextLength());
        }
        JsonSchemaConstraint constraint = new JsonSchemaConstraint(schema, trie);
        int budget = Math.min(settings.maxTokens(), room);
        ClosingBudget closing = new ClosingBudget(tokenizer, quotes, closers, budget, closingReserve);
        long t0 = System.nanoTime();
        GenerationResult r = session.generate(new GenerationRequest(prompt, budget, settings.sampling(),
                new SplittableRandom(seed), stops, List.of(constraint, closing)), id -> {
                    if (Thread.currentThread().isInterrupted()) {
                        session.cancel(); // Ctrl-C on evolve: stop generating, the loop ends the run as interrupted
                    }
                });
        return new Answer(constraint.text(), r.stopReason(), r.promptTokens(), r.reusedTokens(), r.tokens().length, System.nanoTime() - t0);
    }

    @Override
    public synchronized void close() {
        session.close();
        engine.close();
    }
}
