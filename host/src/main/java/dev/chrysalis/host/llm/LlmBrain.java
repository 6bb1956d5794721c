package dev.chrysalis.host.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.StopReason;
import dev.chrysalis.spi.brain.Brain;
import dev.chrysalis.spi.brain.BrainContext;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.brain.TurnAnswer;
import dev.chrysalis.spi.brain.TurnRequest;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The brain that lets a model decide. Per turn: the system prompt lists the installed skills; the model's first
 * reply is decoded under the JSON Schema of a tool call over every skill (or {@code none}), so it always parses
 * and validates; the chosen skill runs through {@link BrainContext#invokeTool}; its result goes back to the model,
 * whose final answer streams token by token through {@link BrainContext#partial}.
 *
 * <p>Each agent session keeps one engine session (KV cache), so the system prompt and the earlier turns are
 * computed once and reused by later turns (up to {@link ModelConfig#maxSessions()} sessions; the least recently
 * used is dropped). The turn's notes carry the decision and the token counts, stored with the turn as evidence.
 */
public final class LlmBrain implements Brain, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LlmBrain.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LlmModel model;
    private final Map<String, Session> sessions;
    private ToolMenu menu;
    private List<SkillDescriptor> menuFor = List.of();

    public LlmBrain(LlmModel model) {
        this.model = Objects.requireNonNull(model, "model");
        int max = model.config().maxSessions();
        this.sessions = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
                if (size() > max) {
                    eldest.getValue().close();
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Loads the configured model and returns a brain on it (close the brain to release the model).
     *
     * @throws ModelLoadException when the model file is missing, does not fit in memory or is unsupported
     */
    public static LlmBrain load(ModelConfig config) {
        return new LlmBrain(LlmModel.load(config));
    }

    public LlmModel model() {
        return model;
    }

    @Override
    public String name() {
        return "llm:" + model.id();
    }

    @Override
    public TurnAnswer respond(TurnRequest request, BrainContext context) {
        ModelConfig cfg = model.config();
        ToolMenu tools = menu(context.catalogue());
        Session session = session(request.sessionId());
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("llm.model", model.id());
        notes.put("llm.template", model.template().name());
        if (!tools.refused().isEmpty()) {
            notes.put("llm.refused_skills", String.join(",", tools.refused().keySet()));
        }
        List<ChatMessage> conversation;
        try {
            conversation = fit(tools.systemPrompt(), request, cfg.maxToolTokens() + 8);
        } catch (ContextOverflowException e) {
            notes.put("llm.error", e.getMessage());
            context.partial("I cannot answer: " + e.getMessage());
            return new TurnAnswer("I cannot answer: " + e.getMessage(), notes);
        }
        long seed = cfg.seed() * 31 + request.sessionId().hashCode() * 17L + request.history().size();
        LlmModel.Completion decision = model.json(session, conversation, tools.decisionSchema(), cfg.maxToolTokens(),
                cfg.sampling(), seed);
        notes.put("llm.decision", decision.text());
        notes.put("llm.decision.stop", decision.stopReason().name());
        int prompt = decision.promptTokens();
        int reused = decision.reusedTokens();
        int generated = decision.generatedTokens();
        List<ChatMessage> answerPrompt = conversation;
        String fallback = "";
        boolean complete = decision.stopReason() == StopReason.CONSTRAINT_COMPLETE || decision.stopReason() == StopReason.STOP_TOKEN;
        if (complete) {
            JsonNode call = parse(decision.text());
            String skill = call.path("skill").asText();
            if (!skill.equals(ToolMenu.NONE)) {
                notes.put("llm.tool", skill);
                ToolOutcome outcome = context.invokeTool(skill, call.path("arguments"));
                String result = switch (outcome) {
                    case ToolOutcome.Success s -> {
                        fallback = s.summary();
                        yield "The " + skill + " tool returned " + s.output() + " (" + s.summary() + ").";
                    }
                    case ToolOutcome.Failure f -> {
                        fallback = "The " + skill + " skill could not answer that: " + f.error();
                        yield "The " + skill + " tool failed: " + f.error() + ".";
                    }
                };
                answerPrompt = new ArrayList<>(conversation);
                answerPrompt.add(ChatMessage.assistant(decision.text()));
                answerPrompt.add(ChatMessage.user(result + " Now answer my request in plain text."));
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, "session {0}: tool decision did not close ({1}); answering without a tool",
                    request.sessionId(), decision.stopReason());
        }
        LlmModel.Completion answer;
        try {
            answer = model.chat(session, answerPrompt, cfg.maxAnswerTokens(), cfg.sampling(), seed + 1, context::partial);
        } catch (ContextOverflowException e) {
            notes.put("llm.error", e.getMessage());
            String text = fallback.isEmpty() ? "I cannot answer: " + e.getMessage() : fallback;
            context.partial(text);
            return new TurnAnswer(text, notes);
        }
        prompt += answer.promptTokens();
        reused += answer.reusedTokens();
        generated += answer.generatedTokens();
        notes.put("llm.answer.stop", answer.stopReason().name());
        notes.put("llm.prompt_tokens", Integer.toString(prompt));
        notes.put("llm.reused_tokens", Integer.toString(reused));
        notes.put("llm.computed_tokens", Integer.toString(prompt - reused));
        notes.put("llm.generated_tokens", Integer.toString(generated));
        String text = answer.text().strip();
        if (text.isEmpty()) {
            text = fallback.isEmpty() ? "(the model gave no answer)" : fallback;
            notes.put("llm.answer.empty", "true");
            context.partial(text);
        }
        return new TurnAnswer(text, notes);
    }

    /** The system prompt, as many of the latest exchanges as fit with room for the reply, and the message. */
    private List<ChatMessage> fit(String system, TurnRequest request, int room) {
        List<TurnRequest.Exchange> history = request.history();
        for (int skip = 0; skip <= history.size(); skip++) {
            List<ChatMessage> messages = new ArrayList<>();
            messages.add(ChatMessage.system(system));
            for (TurnRequest.Exchange e : history.subList(skip, history.size())) {
                messages.add(ChatMessage.user(e.user()));
                messages.add(ChatMessage.assistant(e.assistant().isBlank() ? "(no answer)" : e.assistant()));
            }
            messages.add(ChatMessage.user(request.message()));
            int tokens = model.encode(messages).length;
            if (tokens + room <= model.contextLength()) {
                return messages;
            }
            if (skip == history.size()) {
                throw new ContextOverflowException("the system prompt and message need " + tokens + " tokens plus " + room
                        + " for the reply, but the context holds " + model.contextLength()
                        + " (raise context.length in " + ModelConfig.FILE_NAME + ")");
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private synchronized ToolMenu menu(List<SkillDescriptor> catalogue) {
        if (menu == null || !menuFor.equals(catalogue)) {
            menu = ToolMenu.of(catalogue);
            menuFor = List.copyOf(catalogue);
            menu.refused().forEach((skill, why) -> LOG.log(System.Logger.Level.WARNING,
                    "skill {0} is not offered to the model: {1}", skill, why));
        }
        return menu;
    }

    private Session session(String id) {
        synchronized (sessions) {
            return sessions.computeIfAbsent(id, k -> model.newSession());
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            // the constraint only completes on a whole document, so this means the constraint is broken
            throw new IllegalStateException("constrained tool call does not parse: " + text, e);
        }
    }

    @Override
    public void close() {
        synchronized (sessions) {
            sessions.values().forEach(Session::close);
            sessions.clear();
        }
        model.close();
    }
}
