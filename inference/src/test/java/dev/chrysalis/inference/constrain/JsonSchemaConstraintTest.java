package dev.chrysalis.inference.constrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import dev.chrysalis.inference.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JsonSchemaConstraintTest {

    static final String ORDER_SCHEMA = """
            {"type":"object","additionalProperties":false,
             "properties":{
               "id":{"type":"integer"},
               "customer":{"type":"string","minLength":1,"maxLength":12},
               "status":{"enum":["open","paid","shipped"]},
               "items":{"type":"array","minItems":1,"maxItems":3,"items":{
                   "type":"object","additionalProperties":false,
                   "properties":{"sku":{"type":"string","maxLength":6},"qty":{"type":"integer"},"price":{"type":"number"}},
                   "required":["sku","qty"]}},
               "gift":{"type":"boolean"},
               "note":{"type":["string","null"],"maxLength":10}
             },
             "required":["id","customer","status","items"]}""";

    static final Map<String, String> SKILLS = new LinkedHashMap<>();

    static {
        SKILLS.put("calc", "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"expr\":{\"type\":\"string\",\"maxLength\":16}},\"required\":[\"expr\"]}");
        SKILLS.put("weather", "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":10},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}");
        SKILLS.put("note", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":12},\"tags\":{\"type\":\"array\",\"maxItems\":2,\"items\":{\"enum\":[\"home\",\"work\"]}}},\"required\":[\"text\"]}");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Tokenizer llama3;
    private static TokenTrie llama3Trie;
    private static Tokenizer stories;
    private static TokenTrie storiesTrie;

    @BeforeAll
    static void load() throws IOException {
        try (GgufFile f = GgufFile.openMetadataOnly(Fixtures.vocab("ggml-vocab-llama-bpe.gguf"))) {
            llama3 = Tokenizers.fromGguf(f);
        }
        long t0 = System.nanoTime();
        llama3Trie = TokenTrie.of(llama3);
        System.out.printf("llama-bpe trie: %d nodes built in %.0f ms%n", llama3Trie.nodeCount(), (System.nanoTime() - t0) / 1e6);
        try (GgufFile f = GgufFile.open(Fixtures.model("stories260K.gguf"))) {
            stories = Tokenizers.fromGguf(f);
        }
        storiesTrie = TokenTrie.of(stories);
    }

    /** Uniformly random logits each step, masked, then argmax: every allowed token is equally likely. */
    static String generate(JsonSchema schema, TokenTrie trie, Tokenizer tok, long seed, int maxTokens, List<Long> stepNanos) {
        SplittableRandom rnd = new SplittableRandom(seed);
        JsonSchemaConstraint c = new JsonSchemaConstraint(schema, trie);
        float[] logits = new float[tok.vocabSize()];
        for (int step = 0; step < maxTokens; step++) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) rnd.nextDouble();
            }
            long t0 = System.nanoTime();
            c.process(logits);
            stepNanos.add(System.nanoTime() - t0);
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            assertTrue(logits[best] > Float.NEGATIVE_INFINITY, "no token allowed after '" + c.text() + "'");
            c.accept(best);
            if (c.isComplete()) {
                return c.text();
            }
        }
        throw new AssertionError("seed " + seed + ": not complete after " + maxTokens + " tokens: " + c.text());
    }

    private static void assertValid(String schema, String doc) throws IOException {
        JsonNode value = JSON.readTree(doc);
        assertEquals(List.of(), SchemaValidator.validate(JSON.readTree(schema), value), doc);
    }

    @Test
    void randomLogitsOverTheLlama3VocabularyAlwaysGiveValidDocuments() throws IOException {
        List<Long> nanos = new ArrayList<>();
        JsonSchema schema = JsonSchema.compile(ORDER_SCHEMA);
        for (long seed = 0; seed < 12; seed++) {
            String doc = generate(schema, llama3Trie, llama3, seed, 400, nanos);
            assertValid(ORDER_SCHEMA, doc);
        }
        nanos.sort(null);
        JsonSchemaConstraint inString = new JsonSchemaConstraint(schema, llama3Trie).force("{\"id\":1,\"customer\":\"");
        JsonSchemaConstraint free = new JsonSchemaConstraint(JsonSchema.compile("{}"), llama3Trie).force("[");
        System.out.printf("llama-bpe uncached trie walk (lower quartile of 40): inside a string %.2f ms, start of a free value %.2f ms%n",
                medianMaskMillis(inString), medianMaskMillis(free));
        System.out.printf("llama-bpe (%d tokens, %d trie nodes): mask per step median %.2f ms, p90 %.2f ms, max %.2f ms over %d steps%n",
                llama3.vocabSize(), llama3Trie.nodeCount(), nanos.get(nanos.size() / 2) / 1e6,
                nanos.get(nanos.size() * 9 / 10) / 1e6, nanos.getLast() / 1e6, nanos.size());
    }

    private static double medianMaskMillis(JsonSchemaConstraint c) {
        long[] t = new long[40];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            c.walkTrie();
            t[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 4] / 1e6;
    }

    @Test
    void randomLogitsOverTheStoriesVocabularyAlwaysGiveValidToolCalls() throws IOException {
        JsonSchema tool = JsonSchema.toolCall(SKILLS);
        String toolSchema = tool.source();
        List<Long> nanos = new ArrayList<>();
        java.util.Set<String> skillsSeen = new java.util.HashSet<>();
        for (long seed = 0; seed < 150; seed++) {
            String doc = generate(tool, storiesTrie, stories, seed, 600, nanos);
            assertValid(toolSchema, doc);
            skillsSeen.add(JSON.readTree(doc).get("skill").asText());
            String order = generate(JsonSchema.compile(ORDER_SCHEMA), storiesTrie, stories, seed, 600, nanos);
            assertValid(ORDER_SCHEMA, order);
        }
        assertEquals(SKILLS.keySet(), skillsSeen, "every skill is reachable");
    }

    @Test
    void endTokensAreAllowedOnlyWhenTheDocumentCanEnd() {
        JsonSchemaConstraint c = new JsonSchemaConstraint(JsonSchema.compile("{\"type\":\"integer\"}"), llama3Trie);
        int eos = llama3.eosId().getAsInt();
        int eot = llama3.eotId().getAsInt();
        assertFalse(c.allowedTokens().get(eos));
        c.accept(llama3.encode("42")[0]);
        BitSet ok = c.allowedTokens();
        assertTrue(ok.get(eos) && ok.get(eot), "a number may end at EOS");
        assertTrue(ok.get(llama3.encode("7")[0]), "or grow");
        assertFalse(c.isComplete());
        c.accept(eot);
        assertTrue(c.isComplete());
        assertEquals("42", c.text());

        JsonSchemaConstraint obj = new JsonSchemaConstraint(JsonSchema.compile("{\"type\":\"object\",\"properties\":{}}"), llama3Trie);
        assertThrows(ConstraintViolationException.class, () -> obj.accept(eos));
        for (int t : llama3.encode("{}")) {
            obj.accept(t);
        }
        assertTrue(obj.isComplete());
        assertEquals(2, obj.allowedTokens().cardinality(), "only the end tokens after a closed object");
    }

    @Test
    void theMaskKeepsExactlyTheTokensThatExtendAValidPrefix() {
        JsonSchema schema = JsonSchema.compile(ORDER_SCHEMA);
        JsonSchemaConstraint c = new JsonSchemaConstraint(schema, llama3Trie).force("{\"id\":12,\"customer\":\"A");
        BitSet ok = c.allowedTokens();
        JsonMatcher at = schema.matcher().feed("{\"id\":12,\"customer\":\"A");
        int disagreements = 0;
        for (int t = 0; t < llama3.vocabSize(); t++) {
            byte[] b = llama3.tokenBytes(t);
            boolean expect = b.length > 0;
            JsonMatcher m = at;
            for (int i = 0; expect && i < b.length; i++) {
                m = m.feed(b[i]);
                expect = !m.isDead();
            }
            if (expect != ok.get(t)) {
                disagreements++;
            }
        }
        assertEquals(0, disagreements);
        assertTrue(ok.get(llama3.encode("\",\"")[0]), "closing the string and going on");
        assertFalse(ok.get(llama3.encode("\"}")[0]), "status and items are still required");
    }

    @Test
    void forcedEnvelopeNarrowsTheToolCallToOneSkill() throws IOException {
        JsonSchema tool = JsonSchema.toolCall(SKILLS);
        for (long seed = 0; seed < 20; seed++) {
            JsonSchemaConstraint c = new JsonSchemaConstraint(tool, storiesTrie).force("{\"skill\":\"weather\",\"arguments\":");
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] logits = new float[stories.vocabSize()];
            for (int step = 0; step < 400 && !c.isComplete(); step++) {
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = (float) rnd.nextDouble();
                }
                c.process(logits);
                int best = 0;
                for (int i = 1; i < logits.length; i++) {
                    best = logits[i] > logits[best] ? i : best;
                }
                c.accept(best);
            }
            assertTrue(c.isComplete(), c.text());
            JsonNode call = JSON.readTree(c.text());
            assertEquals("weather", call.get("skill").asText());
            assertValid(tool.source(), c.text());
        }
        assertThrows(ConstraintViolationException.class, () -> new JsonSchemaConstraint(tool, storiesTrie).force("{\"skill\":\"rm\""));
    }

    @Test
    void forcedContinuationIsTheTextEveryAlternativeShares() {
        JsonSchemaConstraint tool = new JsonSchemaConstraint(JsonSchema.toolCall(SKILLS), llama3Trie);
        assertEquals("{\"skill\":\"", tool.forcedContinuation());
        tool.force("{\"skill\":\"w");
        assertEquals("eather\",\"arguments\":{\"city\":\"", tool.forcedContinuation());
        JsonSchemaConstraint cafe = new JsonSchemaConstraint(JsonSchema.compile("{\"const\":\"caf\u00e9\"}"), llama3Trie);
        assertEquals("\"caf\u00e9\"", cafe.forcedContinuation());
        assertEquals("", new JsonSchemaConstraint(JsonSchema.compile("{\"type\":\"integer\"}"), llama3Trie).forcedContinuation());
        JsonSchemaConstraint closed = new JsonSchemaConstraint(JsonSchema.compile("{\"type\":\"array\",\"maxItems\":0}"), llama3Trie);
        assertEquals("[]", closed.forcedContinuation());
    }

    @Test
    void theTrieHoldsEveryTokenWithText() {
        int withText = 0;
        for (int t = 0; t < llama3.vocabSize(); t++) {
            withText += llama3.tokenBytes(t).length > 0 ? 1 : 0;
        }
        JsonSchemaConstraint any = new JsonSchemaConstraint(JsonSchema.compile("{\"type\":\"string\"}"), llama3Trie).force("\"");
        BitSet ok = any.allowedTokens();
        assertTrue(ok.cardinality() > withText / 2, "inside a free string most tokens fit: " + ok.cardinality());
        assertTrue(withText >= 128000);
        assertTrue(Path.of(Fixtures.vocab("ggml-vocab-llama-bpe.gguf").toString()).toFile().exists());
    }
}
