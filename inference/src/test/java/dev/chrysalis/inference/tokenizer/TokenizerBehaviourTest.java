package dev.chrysalis.inference.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.gguf.GgufMetadata;
import dev.chrysalis.inference.gguf.GgufValue;
import dev.chrysalis.inference.gguf.GgufValueType;
import dev.chrysalis.inference.testutil.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenizerBehaviourTest {

    private static Tokenizer vocab(String name) {
        return TokenizerVectorsTest.tokenizer(name);
    }

    @Test
    void controlTokenTextBecomesOneIdOnlyWhenSpecialTokensAreParsed() {
        Tokenizer t = vocab("llama-bpe");
        int[] special = t.encodeWithSpecialTokens("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>");
        assertEquals(128006, special[0]);
        assertEquals(128007, special[2]);
        assertEquals(128009, special[special.length - 1]);
        int[] plain = t.encode("<|eot_id|>");
        assertTrue(plain.length > 1 && Arrays.stream(plain).noneMatch(i -> i == 128009), Arrays.toString(plain));
        assertTrue(t.isControl(128009));
        assertEquals(0, t.tokenBytes(128009).length);
        assertEquals("hi", t.decode(new int[] {128009, t.encode("hi")[0], 128001}), "control tokens decode to nothing");
        assertEquals(128009, t.eotId().getAsInt());
        assertEquals(128000, t.bosId().getAsInt());
        assertTrue(t.addBosByDefault());
    }

    @Test
    void sentencePieceAddsTheSpacePrefixAfterEverySpecialToken() {
        Tokenizer t = vocab("llama-spm");
        int[] ids = t.encodeWithSpecialTokens("<s>Hello</s>Hello");
        int hello = t.encode("Hello")[0];
        assertArrayEquals(new int[] {1, hello, 2, hello}, ids);
        assertEquals("\u2581Hello", t.tokenPiece(hello));
        assertArrayEquals(new byte[] {' ', 'H', 'e', 'l', 'l', 'o'}, t.tokenBytes(hello));
        assertArrayEquals(new byte[] {0x0A}, t.tokenBytes(3 + 0x0A), "<0x0A> is the newline byte");
    }

    @Test
    void userDefinedTokensAreMatchedEvenInPlainText() {
        Tokenizer mpt = vocab("mpt");
        String spaces = " ".repeat(24);
        int[] ids = mpt.encode("a" + spaces + "b");
        assertTrue(Arrays.stream(ids).anyMatch(i -> i == 50254), "the 24-space user-defined token: " + Arrays.toString(ids));
        assertEquals("a" + spaces + "b", mpt.decode(ids));
    }

    @Test
    void encodingSeveralKilobytesIsFastAndRoundTrips() {
        SplittableRandom rnd = new SplittableRandom(7);
        String[] words = {"the", "Hello", "world", "  ", "\n", "123456", "caf\u00e9", "\u4e2d\u6587", "\ud83d\ude00", "don't", "x=y+1;", "\t"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 8000) {
            sb.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(3) == 0 ? "" : " ");
        }
        String text = sb.toString();
        for (String v : List.of("llama-bpe", "qwen2", "llama-spm", "gpt-2", "deepseek-coder")) {
            Tokenizer t = vocab(v);
            for (int warm = 0; warm < 3; warm++) {
                t.encode(text);
            }
            long t0 = System.nanoTime();
            int[] ids = t.encode(text);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%s: %d chars -> %d tokens in %d ms%n", v, text.length(), ids.length, ms);
            assertTrue(ms < 500, v + " took " + ms + " ms for 8 KB");
            assertEquals(text, t.decode(ids), v);
        }
    }

    @Test
    void invalidUtf8FromPartialTokensDecodesToReplacementCharacters() {
        Tokenizer t = vocab("llama-spm");
        int lead = 3 + 0xE4; // <0xE4>: the first byte of a three-byte character, alone
        assertEquals("a\ufffd", t.decode(new int[] {t.encode("a")[0], lead}));
        Tokenizer bpe = vocab("gpt-2");
        byte[] all = new byte[0];
        for (int id : bpe.encode("\u4e2d")) {
            byte[] b = bpe.tokenBytes(id);
            all = Arrays.copyOf(all, all.length + b.length);
            System.arraycopy(b, 0, all, all.length - b.length, b.length);
        }
        assertEquals("\u4e2d", new String(all, StandardCharsets.UTF_8));
    }

    @Test
    void badMetadataIsRefusedNamingTheKey() throws IOException {
        Map<String, GgufValue> values = new HashMap<>();
        try (GgufFile f = GgufFile.openMetadataOnly(Fixtures.vocab("ggml-vocab-gpt-2.gguf"))) {
            GgufMetadata md = f.metadata();
            for (String k : md.keys()) {
                values.put(k, md.get(k).orElseThrow());
            }
        }
        values.put("tokenizer.ggml.pre", new GgufValue.StringValue("klingon"));
        TokenizerException pre = assertThrows(TokenizerException.class, () -> Tokenizers.fromMetadata(new GgufMetadata(values)));
        assertTrue(pre.getMessage().contains("tokenizer.ggml.pre") && pre.getMessage().contains("klingon"), pre.getMessage());
        values.put("tokenizer.ggml.pre", new GgufValue.StringValue("gpt-2"));
        values.put("tokenizer.ggml.eos_token_id", new GgufValue.IntValue(GgufValueType.UINT32, 999_999));
        TokenizerException eos = assertThrows(TokenizerException.class, () -> Tokenizers.fromMetadata(new GgufMetadata(values)));
        assertTrue(eos.getMessage().contains("eos"), eos.getMessage());
        values.remove("tokenizer.ggml.eos_token_id");
        values.put("tokenizer.ggml.model", new GgufValue.StringValue("rwkv"));
        assertThrows(TokenizerException.class, () -> Tokenizers.fromMetadata(new GgufMetadata(values)));
        values.remove("tokenizer.ggml.model");
        TokenizerException missing = assertThrows(TokenizerException.class, () -> Tokenizers.fromMetadata(new GgufMetadata(values)));
        assertTrue(missing.getMessage().contains("tokenizer.ggml.model"), missing.getMessage());
        assertFalse(vocab("gpt-2").addBosByDefault());
    }

    @Test
    void everyShippedVocabularyLoadsIncludingThoseWithoutVectors() throws IOException {
        for (String v : List.of("baichuan", "gpt-neox")) {
            try (GgufFile f = GgufFile.openMetadataOnly(Fixtures.vocab("ggml-vocab-" + v + ".gguf"))) {
                Tokenizer t = Tokenizers.fromGguf(f);
                String s = "Hello world, 123 caf\u00e9!";
                assertEquals(s, t.decode(t.encode(s)), v);
            }
        }
    }

    @Test
    void randomUnicodeTextRoundTripsThroughEveryLosslessVocabulary() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[][] ranges = {{0x00, 0x7F}, {0x80, 0x24F}, {0x370, 0x4FF}, {0x2000, 0x206F}, {0x3000, 0x30FF},
                {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0x1F300, 0x1FAFF}, {0x10000, 0x10FFFF}};
        for (String v : List.of("llama-bpe", "qwen2", "llama-spm", "phi-3", "gpt-2", "mpt", "deepseek-coder")) {
            Tokenizer t = vocab(v);
            for (int n = 0; n < 60; n++) {
                StringBuilder sb = new StringBuilder();
                int len = 1 + rnd.nextInt(40);
                for (int i = 0; i < len; i++) {
                    int[] r = ranges[rnd.nextInt(ranges.length)];
                    int cp = r[0] + rnd.nextInt(r[1] - r[0] + 1);
                    if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
                        cp = 'x';
                    }
                    sb.appendCodePoint(cp);
                }
                String s = sb.toString();
                int[] ids = t.encode(s);
                assertEquals(s, t.decode(ids), v + " ids " + Arrays.toString(ids));
                for (int id : ids) {
                    assertTrue(id >= 0 && id < t.vocabSize());
                }
            }
        }
    }

    @Test
    void longRunsOfOneCharacterClassStayLinear() {
        String text = " ".repeat(25_000) + "a".repeat(25_000) + "\n".repeat(10_000) + "7".repeat(15_000)
                + "!".repeat(15_000) + " \t".repeat(10_000) + "\u4e2d".repeat(10_000);
        for (String v : List.of("llama-bpe", "qwen2", "gpt-2", "deepseek-coder", "llama-spm", "bert-bge")) {
            Tokenizer t = vocab(v);
            long t0 = System.nanoTime();
            int[] ids = t.encode(text);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ids.length > 0);
            System.out.printf("%s: %d chars of long runs in %d ms%n", v, text.length(), ms);
            assertTrue(ms < 5_000, v + ": " + ms + " ms for " + text.length() + " chars");
            if (!v.equals("bert-bge")) {
                assertEquals(text, t.decode(ids), v);
            }
        }
    }
}
