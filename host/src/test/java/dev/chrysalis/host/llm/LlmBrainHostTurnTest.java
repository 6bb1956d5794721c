package dev.chrysalis.host.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.host.Host;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.host.evidence.EvidenceTurnRecorder;
import dev.chrysalis.host.evidence.TurnRecord;
import dev.chrysalis.host.runtime.RuntimeConfig;
import dev.chrysalis.inference.sampling.SamplingOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLM brain in the real host: shipped bundles in Felix, the turn stored in the evidence store with its tokens. */
class LlmBrainHostTurnTest {

    @TempDir
    Path temp;

    @Test
    void aTurnOnTheEngineRunsTheChosenShippedSkillAndIsStoredWithItsTokens() throws Exception {
        ModelConfig config = ModelConfig.of(LlmFixtures.model("stories260K.gguf")).withContextLength(4096).withThreads(2)
                .withSampling(SamplingOptions.defaults().withTemperature(1.0f), 11).withMaxAnswerTokens(16)
                .withChatTemplate("llama2");
        Path data = temp.resolve("data");
        try (LlmBrain brain = LlmBrain.load(config);
             EvidenceStore store = EvidenceStore.open(data);
             Host host = Host.start(HostConfig.of(data, RuntimeConfig.defaultBundlesDir()).withBrain(brain)
                     .withRecorder(new EvidenceTurnRecorder(store)))) {
            assertTrue(host.runtime().catalogue().size() >= 7, "the shipped skills are live");
            StringBuilder streamed = new StringBuilder();
            CompletedTurn turn = host.agent().newSession().ask("what is 2+3*4?", streamed::append);
            assertEquals("llm:stories260K", host.agent().brainName());
            assertFalse(turn.answer().isBlank());
            assertEquals(turn.answer(), streamed.toString().strip(), "the answer was streamed");
            TurnRecord stored = store.recentTurns(1).getFirst();
            assertEquals("what is 2+3*4?", stored.userMessage());
            assertTrue(Integer.parseInt(stored.attributes().get("llm.prompt_tokens")) > 0, stored.attributes().toString());
            assertTrue(Integer.parseInt(stored.attributes().get("llm.generated_tokens")) > 0, stored.attributes().toString());
            JsonNode decision = new ObjectMapper().readTree(stored.attributes().get("llm.decision"));
            String skill = decision.get("skill").asText();
            if (!skill.equals("none")) {
                assertEquals(1, stored.toolCalls().size(), "the chosen skill's call is recorded: " + stored);
                JsonNode schema = host.runtime().catalogue().stream().filter(s -> s.name().equals(skill)).findFirst()
                        .orElseThrow().inputSchema();
                assertEquals(java.util.List.of(), LlmFixtures.validate(schema, decision.get("arguments")));
            } else {
                assertTrue(stored.toolCalls().isEmpty());
            }
            System.out.println("host turn: decision " + decision + ", " + stored.attributes().get("llm.prompt_tokens")
                    + " prompt tokens, " + stored.attributes().get("llm.generated_tokens") + " generated");
        }
    }
}
