package dev.chrysalis.evolution.mutate.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.evolution.build.CompileDiagnostic;
import dev.chrysalis.evolution.mutate.Mutation;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Operator;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.mutate.RepairBrief;
import dev.chrysalis.evolution.support.ClampPlugin;
import dev.chrysalis.inference.chat.ChatMessage;
import dev.chrysalis.inference.engine.StopReason;
import dev.chrysalis.inference.sampling.SamplingOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coder on a fixture model: a tiny model cannot fix bugs, so these tests hold it to the structural
 * guarantees: every answer is a complete document of the edit schema, the same seed gives the same answers,
 * and an answer that cannot be applied is rejected with a reason that says why.
 */
class LlmCoderMutatorTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static LlmCoderMutator coder;

    @TempDir
    static Path temp;

    @BeforeAll
    static void load() {
        coder = LlmCoderMutator.load(LlmCoderSettings.of(LlmCoderFixture.model("stories260K.gguf")).withThreads(2)
                .withMaxTokens(256).withAttempts(3));
    }

    @AfterAll
    static void close() {
        coder.close();
    }

    static MutationRequest request() {
        return ClampPlugin.request(temp.resolve("maa"));
    }

    @Test
    void thePromptCarriesTheEvidenceTheLocatedMethodWithLineNumbersAndTheFeedback() {
        List<ChatMessage> m = CoderPrompt.messages(request(), RepairBrief.Detail.FULL, Optional.of("x.java:3: cannot find symbol"));
        String user = m.get(1).content();
        assertTrue(m.getFirst().content().contains("\"edits\""), m.getFirst().content());
        assertTrue(user.contains("input {\"v\":3,\"max\":9}") && user.contains("expected: output {\"value\":3}"), user);
        assertTrue(user.contains("failure: expected {\"value\":3} but got {\"value\":4}"), user);
        assertTrue(user.contains("at dev.chrysalis.skill.clamp.Clamp.clamp(Clamp.java:8)"), user);
        assertTrue(user.contains("File " + ClampPlugin.FILE + ":") && user.contains(" 8|         return v + 1;"), user);
        assertFalse(user.contains("return \"clamp\";"), "only the located method and two lines around it are shown:\n" + user);
        assertTrue(user.contains("1 other recorded calls pass today"), user);
        assertTrue(user.contains("could not be used: x.java:3: cannot find symbol"), user);
    }

    @Test
    void everyAnswerIsACompleteDocumentOfTheEditSchemaAndRejectionsSayWhy() throws Exception {
        List<String> outcomes = new ArrayList<>();
        int before = coder.attempts().size();
        Proposals ps = coder.propose(request());
        while (ps.hasNext()) {
            Proposal p = ps.next();
            switch (p) {
                case Proposal.Rejected r -> {
                    assertEquals("llm-coder", r.mutator());
                    assertEquals(Operator.LLM_CODER, r.operator());
                    assertTrue(r.reason().matches("attempt \\d: edit \\d \\(.*\\): .*|attempt \\d: the edits together leave every file as it was.*"),
                            r.reason());
                    outcomes.add(r.reason());
                }
                case Proposal.Rewrite w -> {
                    Mutation m = w.mutation();
                    assertEquals(Operator.LLM_CODER, m.operator());
                    assertNotEquals(ClampPlugin.SOURCE, m.changes().get(ClampPlugin.FILE));
                    outcomes.add(m.describe());
                }
            }
        }
        List<LlmCoderMutator.Attempt> attempts = coder.attempts().subList(before, coder.attempts().size());
        assertEquals(3, attempts.size());
        EditFormat format = new EditFormat(List.of(ClampPlugin.FILE), 256);
        for (LlmCoderMutator.Attempt a : attempts) {
            assertEquals(StopReason.CONSTRAINT_COMPLETE, a.stop(), a.output());
            assertTrue(format.accepts(a.output()), a.output());
            JsonNode n = JSON.readTree(a.output());
            assertTrue(n.get("edits").isArray() && n.get("edits").size() >= 1, a.output());
            assertEquals(ClampPlugin.FILE, n.get("edits").get(0).get("file").asText());
            System.out.println("llm-coder attempt " + a.number() + ": " + a.promptTokens() + " prompt (" + a.reusedTokens() + " reused) + "
                    + a.generatedTokens() + " generated tokens, " + a.nanos() / 1_000_000 + " ms: " + a.outcome() + "\n  " + a.output());
        }
        System.out.println(outcomes);
    }

    @Test
    void theCompilersMessagesAndRefusalsAreToldToTheNextAttempt() {
        int before = coder.attempts().size();
        Proposals ps = coder.propose(request());
        ps.next();
        Mutation tried = new Mutation(Operator.LLM_CODER, ClampPlugin.FILE, "Clamp.clamp", 8, "returns v", "broken");
        ps.compileFailed(tried, List.of(new CompileDiagnostic(ClampPlugin.FILE, 8, "ERROR", "cannot find symbol: w"),
                new CompileDiagnostic(ClampPlugin.FILE, 3, "WARNING", "unused")));
        ps.next();
        List<LlmCoderMutator.Attempt> a = coder.attempts().subList(before, coder.attempts().size());
        assertEquals("", a.get(0).toldWhy(), "a first attempt is told nothing");
        assertTrue(a.get(1).toldWhy().contains("did not compile:\n" + ClampPlugin.FILE + ":8: cannot find symbol: w"), a.get(1).toldWhy());
        assertFalse(a.get(1).toldWhy().contains("unused"), "warnings are left out");
        ps.next();
        LlmCoderMutator.Attempt third = coder.attempts().get(before + 2);
        assertTrue(a.get(1).outcome().startsWith("rejected: "), a.get(1).outcome());
        assertEquals(a.get(1).outcome().substring("rejected: ".length()) + ".", third.toldWhy(), "a refusal is told as it was journaled");
    }

    @Test
    void anInterruptedThreadStopsTheGenerationAndThePromptWithoutAFailure() {
        Proposals ps = coder.propose(request());
        Thread.currentThread().interrupt(); // as Ctrl-C on evolve does to the loop's thread
        Proposal p;
        try {
            p = ps.next();
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt stays set for the loop (and is cleared here)");
        }
        assertEquals("attempt 1: interrupted while the prompt was built", ((Proposal.Rejected) p).reason());
        try (CoderModel model = CoderModel.load(LlmCoderSettings.of(LlmCoderFixture.model("stories260K.gguf")).withThreads(2).withMaxTokens(256))) {
            Thread.currentThread().interrupt();
            CoderModel.Answer a;
            try {
                a = model.json(List.of(ChatMessage.user("fix it")), new EditFormat(List.of(ClampPlugin.FILE), 256).schema(), 100, 1);
            } finally {
                assertTrue(Thread.interrupted());
            }
            assertEquals(StopReason.CANCELLED, a.stopReason());
            assertEquals(1, a.generatedTokens(), "generation stops at the first token after the interrupt");
        }
    }

    @Test
    void theSameSeedGivesTheSameAnswersAndSamplingIsConfigurable() {
        LlmCoderSettings sampled = LlmCoderSettings.of(LlmCoderFixture.model("stories260K.gguf")).withThreads(2).withMaxTokens(256)
                .withAttempts(1).withSampling(SamplingOptions.defaults(), 42);
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            try (LlmCoderMutator c = LlmCoderMutator.load(sampled)) {
                Proposals ps = c.propose(request());
                ps.next();
                runs.add(c.attempts().getFirst().output());
                assertTrue(new EditFormat(List.of(ClampPlugin.FILE), 256).accepts(runs.getLast()), runs.getLast());
            }
        }
        assertEquals(runs.get(0), runs.get(1));
    }
}
