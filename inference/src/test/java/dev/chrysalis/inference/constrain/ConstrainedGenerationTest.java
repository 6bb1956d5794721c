package dev.chrysalis.inference.constrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.inference.engine.Engine;
import dev.chrysalis.inference.engine.EngineOptions;
import dev.chrysalis.inference.engine.GenerationRequest;
import dev.chrysalis.inference.engine.GenerationResult;
import dev.chrysalis.inference.engine.Session;
import dev.chrysalis.inference.engine.StopReason;
import dev.chrysalis.inference.engine.TokenListener;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.sampling.SamplingOptions;
import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import dev.chrysalis.inference.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real models generating under a JSON Schema constraint: every output parses and validates. */
class ConstrainedGenerationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({"stories260K.gguf, 16", "llama-2-tiny-random.gguf, 4"})
    void everySampledToolCallParsesAndValidates(String model, int seeds) throws IOException {
        Tokenizer tok;
        try (GgufFile f = GgufFile.openMetadataOnly(Fixtures.model(model))) {
            tok = Tokenizers.fromGguf(f);
        }
        TokenTrie trie = TokenTrie.of(tok);
        JsonSchema tool = JsonSchema.toolCall(JsonSchemaConstraintTest.SKILLS);
        JsonSchema order = JsonSchema.compile(JsonSchemaConstraintTest.ORDER_SCHEMA);
        int[] prompt = concat(tok.bosId().getAsInt(), tok.encode("Once upon a time, the tool said"));
        Set<String> skills = new HashSet<>();
        long totalTokens = 0;
        long totalNanos = 0;
        try (Engine engine = Engine.load(Fixtures.model(model), EngineOptions.defaults().withContextLength(512))) {
            for (long seed = 0; seed < seeds; seed++) {
                boolean useOrder = seed % 4 == 3;
                JsonSchema schema = useOrder ? order : tool;
                JsonSchemaConstraint c = new JsonSchemaConstraint(schema, trie);
                GenerationRequest req = new GenerationRequest(prompt, 400, SamplingOptions.defaults().withTemperature(1.0f),
                        new SplittableRandom(seed), Set.of(tok.eosId().getAsInt()), List.of(c));
                GenerationResult r;
                long t0 = System.nanoTime();
                try (Session s = engine.newSession()) {
                    r = s.generate(req, TokenListener.NONE);
                }
                assertTrue(EnumSet.of(StopReason.CONSTRAINT_COMPLETE, StopReason.STOP_TOKEN).contains(r.stopReason()),
                        model + " seed " + seed + ": " + r.stopReason() + " after '" + c.text() + "'");
                totalTokens += r.tokens().length;
                totalNanos += System.nanoTime() - t0;
                String text = tok.decode(r.tokens());
                assertEquals(c.text(), text, "decoded tokens are the constrained text");
                JsonNode doc = JSON.readTree(text);
                assertEquals(List.of(), SchemaValidator.validate(JSON.readTree(schema.source()), doc), text);
                if (!useOrder) {
                    skills.add(doc.get("skill").asText());
                }
            }
        }
        System.out.printf("%s: %d constrained generations, %d tokens, %.1f ms per token (forward pass + mask)%n",
                model, seeds, totalTokens, totalNanos / 1e6 / totalTokens);
        assertTrue(skills.size() >= (seeds >= 16 ? 2 : 1), "sampling reaches different skills: " + skills);
    }

    private static int[] concat(int first, int[] rest) {
        int[] out = new int[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }
}
