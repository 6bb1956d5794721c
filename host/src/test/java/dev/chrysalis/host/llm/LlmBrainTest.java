package dev.chrysalis.host.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.inference.sampling.SamplingOptions;
import dev.chrysalis.spi.brain.TurnAnswer;
import dev.chrysalis.spi.brain.TurnRequest;
import dev.chrysalis.spi.skill.Skill;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmBrainTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LlmBrain brain;

    @TempDir
    Path workspace;

    @BeforeAll
    static void load() {
        ModelConfig config = ModelConfig.of(LlmFixtures.model("stories260K.gguf")).withContextLength(8192).withThreads(2)
                .withSampling(SamplingOptions.defaults().withTemperature(1.0f), 7).withMaxAnswerTokens(24)
                .withChatTemplate("llama2");
        brain = LlmBrain.load(config);
    }

    @AfterAll
    static void close() {
        brain.close();
    }

    @Test
    void toolCallsForEveryShippedSkillParseValidateAndRun() {
        Set<String> called = new HashSet<>();
        int turns = 0;
        for (Skill skill : LlmFixtures.shippedSkills()) {
            for (int seed = 0; seed < 6 && !called.contains(skill.name()); seed++) {
                RecordingContext ctx = new RecordingContext(List.of(skill), workspace);
                TurnAnswer answer = brain.respond(new TurnRequest("s-" + skill.name() + "-" + seed,
                        "please use the " + skill.name() + " tool", List.of()), ctx);
                turns++;
                assertEquals("CONSTRAINT_COMPLETE", answer.notes().get("llm.decision.stop"), answer.notes().toString());
                JsonNode decision = parse(answer.notes().get("llm.decision"));
                String chosen = decision.path("skill").asText();
                assertTrue(Set.of(skill.name(), "none").contains(chosen), "decision " + decision);
                if (chosen.equals("none")) {
                    assertTrue(ctx.calls.isEmpty());
                    continue;
                }
                assertEquals(List.of(), LlmFixtures.validate(skill.inputSchema(), decision.get("arguments")),
                        skill.name() + " arguments " + decision.get("arguments"));
                assertEquals(1, ctx.calls.size(), "the chosen skill ran once");
                assertEquals(decision.get("arguments"), ctx.calls.getFirst().arguments());
                assertEquals(skill.name(), answer.notes().get("llm.tool"));
                called.add(skill.name());
            }
        }
        System.out.println("LLM brain: " + turns + " turns, skills called: " + called);
        assertEquals(LlmFixtures.shippedSkills().size(), called.size(), "every skill was called at least once: " + called);
    }

    @Test
    void withTheWholeCatalogueEveryDecisionParsesAndValidates() {
        List<Skill> skills = LlmFixtures.shippedSkills();
        for (int seed = 0; seed < 1; seed++) {
            RecordingContext ctx = new RecordingContext(skills, workspace);
            TurnAnswer answer = brain.respond(new TurnRequest("all-" + seed, "what is 2+3*4?", List.of()), ctx);
            assertEquals("CONSTRAINT_COMPLETE", answer.notes().get("llm.decision.stop"), answer.notes().toString());
            JsonNode decision = parse(answer.notes().get("llm.decision"));
            String chosen = decision.path("skill").asText();
            if (!chosen.equals("none")) {
                Skill s = skills.stream().filter(k -> k.name().equals(chosen)).findFirst().orElseThrow();
                assertEquals(List.of(), LlmFixtures.validate(s.inputSchema(), decision.get("arguments")), decision.toString());
                assertEquals(1, ctx.calls.size());
            }
            assertFalse(answer.text().isBlank());
            assertTrue(Integer.parseInt(answer.notes().get("llm.generated_tokens")) > 0);
        }
    }

    @Test
    void theAnswerStreamsTokenByTokenAndLaterTurnsReuseThePrefix() {
        List<Skill> skills = LlmFixtures.shippedSkills().subList(0, 2);
        RecordingContext first = new RecordingContext(skills, workspace);
        TurnAnswer a1 = brain.respond(new TurnRequest("multi", "hello there", List.of()), first);
        if (!"true".equals(a1.notes().get("llm.answer.empty"))) {
            assertEquals(a1.text(), first.streamed.toString().strip(), "streamed pieces make the answer");
            assertTrue(first.partials > 1, "streamed in pieces: " + first.partials);
        }
        List<TurnRequest.Exchange> history = new ArrayList<>();
        history.add(new TurnRequest.Exchange("hello there", a1.text()));
        RecordingContext second = new RecordingContext(skills, workspace);
        TurnAnswer a2 = brain.respond(new TurnRequest("multi", "and what is 7*6?", history), second);
        int prompt = Integer.parseInt(a2.notes().get("llm.prompt_tokens"));
        int reused = Integer.parseInt(a2.notes().get("llm.reused_tokens"));
        int systemTokens = brain.model().tokenizer().encode(ToolMenu.of(first.catalogue()).systemPrompt()).length;
        System.out.println("second turn: " + prompt + " prompt tokens, " + reused + " reused, system prompt " + systemTokens);
        assertTrue(reused >= systemTokens - 8, "at least the system prompt came from the cache: reused " + reused + " of " + prompt);
        assertTrue(prompt - reused < prompt / 2, "most of the prompt was not recomputed: computed " + (prompt - reused));
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError("decision does not parse: " + text, e);
        }
    }
}
