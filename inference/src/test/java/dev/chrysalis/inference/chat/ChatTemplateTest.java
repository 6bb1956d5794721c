package dev.chrysalis.inference.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gguf.GgufMetadata;
import dev.chrysalis.inference.gguf.GgufValue;
import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import dev.chrysalis.inference.tokenizer.Tokenizers;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    private static final List<ChatMessage> CONVERSATION = List.of(
            ChatMessage.system("You are terse."),
            ChatMessage.user("What is 2+2?"),
            ChatMessage.assistant("4"),
            ChatMessage.user("And 3+3?"));

    private static GgufMetadata vocabMetadata(String vocab) throws IOException {
        try (GgufFile f = GgufFile.openMetadataOnly(Fixtures.vocab("ggml-vocab-" + vocab + ".gguf"))) {
            return f.metadata();
        }
    }

    private static Tokenizer tokenizer(GgufMetadata md) {
        return Tokenizers.fromMetadata(md);
    }

    private static long count(int[] ids, int id) {
        return Arrays.stream(ids).filter(i -> i == id).count();
    }

    @Test
    void llama3RendersHeadersAndEndOfTurnMarkersForEveryTurn() throws IOException {
        String text = ChatTemplate.named("llama3").render(CONVERSATION, true);
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", text);

        GgufMetadata md = vocabMetadata("llama-bpe");
        assertEquals("llama3", ChatTemplate.forModel(md).name());
        Tokenizer t = tokenizer(md);
        int[] ids = ChatTemplate.named("llama3").encode(t, CONVERSATION, true);
        assertEquals(128000, ids[0], "BOS first");
        assertEquals(1, count(ids, 128000));
        assertEquals(5, count(ids, 128006), "<|start_header_id|> as one id per header");
        assertEquals(5, count(ids, 128007), "<|end_header_id|>");
        assertEquals(4, count(ids, 128009), "<|eot_id|>");
        assertEquals(text, renderWithPieces(t, ids));
        assertEquals(Set.of(128009, 128001), ChatTemplate.named("llama3").stopTokens(t));
    }

    /** Re-renders ids as text with control tokens written as their pieces (the inverse of parse-special encoding). */
    private static String renderWithPieces(Tokenizer t, int[] ids) {
        StringBuilder sb = new StringBuilder();
        int start = ids.length > 0 && t.bosId().isPresent() && ids[0] == t.bosId().getAsInt() ? 1 : 0;
        int runStart = start;
        for (int i = start; i <= ids.length; i++) {
            if (i == ids.length || t.isControl(ids[i])) {
                sb.append(t.decode(Arrays.copyOfRange(ids, runStart, i)));
                if (i < ids.length) {
                    sb.append(t.tokenPiece(ids[i]));
                }
                runStart = i + 1;
            }
        }
        return sb.toString();
    }

    @Test
    void chatMlRendersImStartBlocksAndTokenizesMarkersAsSingleIds() throws IOException {
        String text = ChatTemplate.named("chatml").render(CONVERSATION, true);
        assertEquals("<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n4<|im_end|>\n<|im_start|>user\nAnd 3+3?<|im_end|>\n<|im_start|>assistant\n", text);
        assertEquals("<|im_start|>user\nhi<|im_end|>\n", ChatTemplate.named("qwen").render(List.of(ChatMessage.user("hi")), false));

        GgufMetadata md = vocabMetadata("qwen2");
        assertEquals("chatml", ChatTemplate.forModel(md).name());
        Tokenizer t = tokenizer(md);
        int[] ids = ChatTemplate.forModel(md).encode(t, CONVERSATION, true);
        assertEquals(151644, ids[0], "qwen2 adds no BOS; the prompt starts with <|im_start|>");
        assertEquals(5, count(ids, 151644));
        assertEquals(4, count(ids, 151645));
        assertEquals(text, renderWithPieces(t, ids));
        assertTrue(ChatTemplate.named("chatml").stopTokens(t).contains(151645));
        // without parse-special the marker is ordinary text, not the control id
        assertEquals(0, count(t.encode(text), 151644));
    }

    @Test
    void llama2PutsTheSystemPromptInTheFirstInstructionAndClosesAnswersWithEos() throws IOException {
        String text = ChatTemplate.named("llama2").render(CONVERSATION, true);
        assertEquals("[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nWhat is 2+2? [/INST] 4 </s><s>[INST] And 3+3? [/INST]", text);
        assertEquals("[INST] hi [/INST]", ChatTemplate.named("llama2").render(List.of(ChatMessage.user("hi")), true));

        GgufMetadata md = vocabMetadata("llama-spm");
        assertEquals("llama2", ChatTemplate.forModel(md).name(), "llama SentencePiece vocab without a template");
        Tokenizer t = tokenizer(md);
        int[] ids = ChatTemplate.named("llama2").encode(t, CONVERSATION, true);
        assertEquals(1, ids[0]);
        assertEquals(2, count(ids, 1), "BOS at the start and inside the history");
        assertEquals(1, count(ids, 2), "</s> closing the answer is the EOS id");
        assertEquals(Set.of(2), ChatTemplate.named("llama2").stopTokens(t));
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.named("llama2")
                .render(List.of(ChatMessage.user("a"), ChatMessage.user("b")), true));
    }

    @Test
    void forModelReadsTheJinjaTemplateBeforeTheVocabulary() throws IOException {
        Map<String, GgufValue> values = new HashMap<>();
        GgufMetadata spm = vocabMetadata("llama-spm");
        for (String k : spm.keys()) {
            values.put(k, spm.get(k).orElseThrow());
        }
        values.put("tokenizer.chat_template", new GgufValue.StringValue("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{% endfor %}"));
        assertEquals("chatml", ChatTemplate.forModel(new GgufMetadata(values)).name());
        values.put("tokenizer.chat_template", new GgufValue.StringValue("{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>' }}"));
        assertEquals("llama3", ChatTemplate.forModel(new GgufMetadata(values)).name());
        values.put("tokenizer.chat_template", new GgufValue.StringValue("{{ bos_token }}{% for m in messages %}[INST] {{ m.content }} [/INST]{% endfor %}"));
        assertEquals("llama2", ChatTemplate.forModel(new GgufMetadata(values)).name());
        values.put("tokenizer.chat_template", new GgufValue.StringValue("{% for m in messages %}<|user|>\n{{ m.content + eos_token }}{% endfor %}"));
        assertEquals("zephyr", ChatTemplate.forModel(new GgufMetadata(values)).name());
        values.put("tokenizer.chat_template", new GgufValue.StringValue("{% for m in messages %}<start_of_turn>{{ m.content }}<end_of_turn>{% endfor %}"));
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.forModel(new GgufMetadata(values)),
                "a template in another format is not silently replaced");
    }

    @Test
    void unknownTemplatesAndEmptyConversationsAreRefusedWithTheReason() throws IOException {
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatTemplate.named("vicuna"));
        assertTrue(e.getMessage().contains("vicuna"), e.getMessage());
        assertThrows(ChatTemplateException.class, () -> ChatTemplate.named("llama3").render(List.of(), true));
        ChatTemplateException bert = assertThrows(ChatTemplateException.class, () -> ChatTemplate.forModel(vocabMetadata("bert-bge")));
        assertTrue(bert.getMessage().contains("bert"), bert.getMessage());
        // the message lists every template ChatTemplate.named takes
        for (String name : new String[] {"llama3", "llama2", "chatml", "phi3", "zephyr"}) {
            assertTrue(bert.getMessage().contains(name), bert.getMessage());
            assertEquals(name, ChatTemplate.named(name).name());
        }
    }

    @Test
    void stories260kFallsBackToLlama2AndItsStopTokenIsEos() throws IOException {
        try (GgufFile f = GgufFile.open(Fixtures.model("stories260K.gguf"))) {
            ChatTemplate tmpl = ChatTemplate.forModel(f.metadata());
            assertEquals("llama2", tmpl.name());
            Tokenizer t = Tokenizers.fromGguf(f);
            assertArrayEquals(new int[] {t.eosId().getAsInt()}, tmpl.stopTokens(t).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void phi3IsDetectedFromItsJinjaTemplateAndItsMarkersAreSingleIds() throws IOException {
        GgufMetadata md = vocabMetadata("phi-3");
        ChatTemplate tmpl = ChatTemplate.forModel(md);
        assertEquals("phi3", tmpl.name());
        String text = tmpl.render(CONVERSATION, true);
        assertEquals("<|system|>\nYou are terse.<|end|>\n<|user|>\nWhat is 2+2?<|end|>\n<|assistant|>\n4<|end|>\n"
                + "<|user|>\nAnd 3+3?<|end|>\n<|assistant|>\n", text);
        Tokenizer t = tokenizer(md);
        int[] ids = tmpl.encode(t, CONVERSATION, true);
        assertEquals(1, ids[0]);
        assertEquals(4, count(ids, 32007), "<|end|> once per message");
        assertEquals(2, count(ids, 32001), "<|assistant|> for the answer and the prefix");
        assertEquals(1, count(ids, 32006), "<|system|>");
        assertTrue(tmpl.stopTokens(t).containsAll(Set.of(32007, 32000)));
        assertEquals("<|user|>\nhi</s>\n<|assistant|>\n", ChatTemplate.named("zephyr").render(List.of(ChatMessage.user("hi")), true));
    }
}
