package dev.chrysalis.inference.engine;

import dev.chrysalis.inference.model.ForwardPass;
import dev.chrysalis.inference.sampling.LogitsProcessor;
import dev.chrysalis.inference.sampling.RepetitionPenalty;
import dev.chrysalis.inference.sampling.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A conversation with the model: it keeps the KV cache of the tokens it has processed, so a request
 * whose prompt starts with those tokens (same system prompt, earlier turns) only computes the rest
 * (prefix cache). Generation streams each token to a {@link TokenListener} and can be cancelled from
 * another thread with {@link #cancel()}.
 */
public final class Session implements AutoCloseable {

    /** The logits after the last prompt token, and how much of the prompt came from the cache. */
    public record Evaluation(float[] logits, int promptTokens, int reusedTokens, long nanos, boolean cancelled) {
    }

    private final Engine engine;
    private final ForwardPass.Sequence cache;
    private final int[] cached;
    private int cachedLength;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    Session(Engine engine, ForwardPass.Sequence cache) {
        this.engine = engine;
        this.cache = cache;
        this.cached = new int[cache.capacity()];
    }

    /** Token ids whose keys and values the session holds, in order. */
    public int[] cachedTokens() {
        synchronized (this) {
            return Arrays.copyOf(cached, cachedLength);
        }
    }

    /** Forgets the cached prefix. */
    public synchronized void reset() {
        cachedLength = 0;
    }

    /** Asks a running {@link #generate} or {@link #evaluate} to stop at the next token (or prefill chunk). */
    public void cancel() {
        cancelled.set(true);
    }

    public int contextLength() {
        return cache.capacity();
    }

    /**
     * Processes {@code prompt} (reusing the cached prefix) and returns the logits after its last token.
     */
    public Evaluation evaluate(int[] prompt) {
        engine.computeLock().lock();
        try {
            synchronized (this) {
                cancelled.set(false);
                return prefill(prompt);
            }
        } finally {
            engine.computeLock().unlock();
        }
    }

    private Evaluation prefill(int[] prompt) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must hold at least one token");
        }
        if (prompt.length > cache.capacity()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the context length "
                    + cache.capacity());
        }
        long t0 = System.nanoTime();
        int reuse = 0;
        int max = Math.min(cachedLength, prompt.length - 1);
        while (reuse < max && cached[reuse] == prompt[reuse]) {
            reuse++;
        }
        cachedLength = reuse;
        ForwardPass tr = engine.forwardPass();
        float[] logits = null;
        int pos = reuse;
        while (pos < prompt.length) {
            if (cancelled.get()) {
                return new Evaluation(new float[0], prompt.length, reuse, System.nanoTime() - t0, true);
            }
            int n = Math.min(tr.maxBatch(), prompt.length - pos);
            if (pos + n < prompt.length) {
                tr.forwardWithoutLogits(cache, prompt, pos, n, pos);
            } else {
                logits = tr.forward(cache, prompt, pos, n, pos, false);
            }
            System.arraycopy(prompt, pos, cached, pos, n);
            pos += n;
            cachedLength = pos;
        }
        return new Evaluation(logits, prompt.length, reuse, System.nanoTime() - t0, false);
    }

    /**
     * Generates from {@code request}: prefill (reusing the cached prefix), then sampling until a stop
     * token, {@code maxTokens}, a complete constraint, a full context, or {@link #cancel()}.
     */
    public GenerationResult generate(GenerationRequest request, TokenListener listener) {
        // time to first token counts from the call: waiting for the engine (a warm-up pass, another session's
        // turn) is part of what the caller waits for
        long called = System.nanoTime();
        engine.computeLock().lock();
        try {
            synchronized (this) {
                return run(request, listener, called);
            }
        } finally {
            engine.computeLock().unlock();
        }
    }

    private GenerationResult run(GenerationRequest request, TokenListener listener, long start) {
        cancelled.set(false);
        int[] prompt = request.promptTokens();
        Evaluation ev = prefill(prompt);
        List<Integer> out = new ArrayList<>();
        if (ev.cancelled()) {
            return result(out, StopReason.CANCELLED, ev, start, 0, 0);
        }
        List<LogitsProcessor> processors = new ArrayList<>();
        if (request.sampling().repeatPenalty() != 1f) {
            processors.add(new RepetitionPenalty(request.sampling().repeatPenalty(), request.sampling().repeatLastN(), prompt));
        }
        processors.addAll(request.processors());
        Sampler sampler = new Sampler(request.sampling(), request.random());
        long firstToken = 0;
        StopReason reason = StopReason.MAX_TOKENS;
        ForwardPass tr = engine.forwardPass();
        // with no processors to apply, a device that can sample returns only the chosen id, not the logits
        Optional<ForwardPass.DecodePicker> picker = processors.isEmpty() ? tr.decodePicker(request.sampling()) : Optional.empty();
        int tok = request.maxTokens() > 0 ? sampler.next(ev.logits(), processors) : -1;
        while (out.size() < request.maxTokens()) {
            out.add(tok);
            if (firstToken == 0) {
                firstToken = System.nanoTime();
            }
            listener.onToken(tok);
            if (request.stopTokens().contains(tok)) {
                reason = StopReason.STOP_TOKEN;
                break;
            }
            if (processors.stream().anyMatch(LogitsProcessor::isComplete)) {
                reason = StopReason.CONSTRAINT_COMPLETE;
                break;
            }
            if (cancelled.get()) {
                reason = StopReason.CANCELLED;
                break;
            }
            if (out.size() >= request.maxTokens()) {
                break;
            }
            if (cachedLength >= cache.capacity()) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            cached[cachedLength] = tok;
            if (picker.isPresent()) {
                // the same draw the host sampler would make, so a seed gives the same tokens on either path
                double uniform = request.sampling().isGreedy() ? 0 : request.random().nextDouble();
                tok = picker.get().step(cache, tok, cachedLength, uniform);
            } else {
                tok = sampler.next(tr.forward(cache, cached, cachedLength, 1, cachedLength, false), processors);
            }
            cachedLength++;
        }
        long end = System.nanoTime();
        return result(out, reason, ev, start, firstToken == 0 ? 0 : firstToken - start, firstToken == 0 ? 0 : end - firstToken);
    }

    private static GenerationResult result(List<Integer> out, StopReason reason, Evaluation ev, long start, long ttft, long decode) {
        int[] toks = out.stream().mapToInt(Integer::intValue).toArray();
        return new GenerationResult(toks, reason, ev.promptTokens(), ev.reusedTokens(), ev.nanos(), ttft, decode);
    }

    /** Forgets the cached prefix and frees the KV cache (device memory on a GPU); the session cannot be used after. */
    @Override
    public void close() {
        reset();
        cache.close();
    }
}
