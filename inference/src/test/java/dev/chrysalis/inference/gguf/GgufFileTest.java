package dev.chrysalis.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.testutil.Fixtures;
import dev.chrysalis.inference.testutil.GgufBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @TempDir
    Path tmp;

    private Path write(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(tmp, "t", ".gguf");
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsStories260KHeaderMetadataAndTensorsAsInTheReferenceDump() throws IOException {
        try (GgufFile f = GgufFile.open(Fixtures.model("stories260K.gguf"))) {
            assertEquals(3, f.version());
            GgufMetadata m = f.metadata();
            assertEquals(19, m.keys().size());
            assertEquals("llama", m.getString("general.architecture").orElseThrow());
            assertEquals(64, m.getLong("llama.embedding_length").orElseThrow());
            assertEquals(4294967295L, m.getLong("tokenizer.ggml.seperator_token_id").orElseThrow());
            assertEquals(9.999999747378752e-06, m.getDouble("llama.attention.layer_norm_rms_epsilon").orElseThrow(), 1e-15);
            List<String> tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertEquals(512, tokens.size());
            assertEquals(List.of("<unk>", "<s>", "</s>", "<0x00>"), tokens.subList(0, 4));
            assertArrayEquals(new int[] {2, 3, 3, 6}, java.util.Arrays.copyOf(m.getIntArray("tokenizer.ggml.token_type"), 4));
            assertEquals(512, m.getFloatArray("tokenizer.ggml.scores").length);
            assertEquals(0, m.getFloatArray("no.such.key").length);
            assertTrue(m.getStringArray("no.such.key").isEmpty());
            assertEquals(48, f.tensors().size());
            assertEquals(14176, f.dataOffset());
            GgufTensor emb = f.requireTensor("token_embd.weight");
            assertEquals(GgmlType.F32, emb.type());
            assertArrayEquals(new long[] {64, 512}, emb.shape());
            assertEquals(14176, emb.fileOffset());
            assertEquals(64 * 512 * 4, emb.data().byteSize());
            GgufTensor down = f.requireTensor("blk.0.ffn_down.weight");
            assertEquals(14176 + 355840, down.fileOffset());
        }
    }

    @Test
    void opensEveryVocabularyFileForItsMetadataEvenWhenTheTensorAreaIsTruncated() throws IOException {
        try (var files = Files.list(Fixtures.root().resolve("vocab"))) {
            for (Path p : files.filter(x -> x.toString().endsWith(".gguf")).toList()) {
                try (GgufFile f = GgufFile.openMetadataOnly(p)) {
                    assertTrue(f.metadata().getStringArray("tokenizer.ggml.tokens").size() > 100, p.toString());
                    assertTrue(f.metadata().getString("tokenizer.ggml.model").isPresent(), p.toString());
                }
            }
        }
        try (GgufFile f = GgufFile.openMetadataOnly(Fixtures.vocab("ggml-vocab-baichuan.gguf"))) {
            assertEquals(64000, f.metadata().getStringArray("tokenizer.ggml.tokens").size());
        }
    }

    @Test
    void readsEveryValueTypeIncludingNestedArrays() throws IOException {
        GgufBuilder.Buf nested = new GgufBuilder.Buf().u32(9).u64(2) // array of 2 arrays
                .u32(5).u64(2).u32(-7).u32(8) // [i32 -7, 8]
                .u32(8).u64(1).str("x"); // ["x"]
        byte[] bytes = new GgufBuilder()
                .kvRaw("u8", 0, new byte[] {(byte) 250})
                .kvRaw("i8", 1, new byte[] {(byte) -3})
                .kvRaw("u16", 2, new byte[] {(byte) 0xff, (byte) 0xff})
                .kvRaw("i16", 3, new byte[] {(byte) 0xfe, (byte) 0xff})
                .kvRaw("u32", 4, new GgufBuilder.Buf().u32(0xffffffffL).bytes())
                .kvRaw("i32", 5, new GgufBuilder.Buf().u32(-5).bytes())
                .kvRaw("f32", 6, new GgufBuilder.Buf().f32(1.5f).bytes())
                .kvRaw("bool", 7, new byte[] {1})
                .kvRaw("str", 8, new GgufBuilder.Buf().str("héllo").bytes())
                .kvRaw("u64", 10, new GgufBuilder.Buf().u64(1L << 40).bytes())
                .kvRaw("i64", 11, new GgufBuilder.Buf().u64(-9).bytes())
                .kvRaw("f64", 12, new GgufBuilder.Buf().u64(Double.doubleToLongBits(2.25)).bytes())
                .kvRaw("farr", 9, new GgufBuilder.Buf().u32(6).u64(2).f32(0.5f).f32(-1f).bytes())
                .kvRaw("barr", 9, new GgufBuilder.Buf().u32(7).u64(2).raw(new byte[] {0, 1}).bytes())
                .kvRaw("nested", 9, nested.bytes())
                .build();
        try (GgufFile f = GgufFile.open(write(bytes))) {
            GgufMetadata m = f.metadata();
            assertEquals(250, m.getLong("u8").orElseThrow());
            assertEquals(-3, m.getLong("i8").orElseThrow());
            assertEquals(65535, m.getLong("u16").orElseThrow());
            assertEquals(-2, m.getLong("i16").orElseThrow());
            assertEquals(4294967295L, m.getLong("u32").orElseThrow());
            assertEquals(-5, m.getLong("i32").orElseThrow());
            assertEquals(1.5, m.getDouble("f32").orElseThrow());
            assertTrue(m.getBool("bool").orElseThrow());
            assertEquals("héllo", m.getString("str").orElseThrow());
            assertEquals(1L << 40, m.getLong("u64").orElseThrow());
            assertEquals(-9, m.getLong("i64").orElseThrow());
            assertEquals(2.25, m.getDouble("f64").orElseThrow());
            assertArrayEquals(new float[] {0.5f, -1f}, m.getFloatArray("farr"));
            assertArrayEquals(new int[] {0, 1}, m.getIntArray("barr"));
            GgufValue.NestedArray n = (GgufValue.NestedArray) m.get("nested").orElseThrow();
            assertEquals(2, n.size());
            assertArrayEquals(new long[] {-7, 8}, ((GgufValue.IntArray) n.values().get(0)).values());
            assertEquals(List.of("x"), ((GgufValue.StringArray) n.values().get(1)).values());
            assertFalse(m.has("absent"));
            assertTrue(f.tensors().isEmpty());
        }
    }

    @Test
    void rejectsAnUnknownTensorTypeNamingTheTensor() throws IOException {
        byte[] bytes = new GgufBuilder().tensor("blk.3.attn_q.weight", 99, new long[] {4}, new byte[16]).build();
        var e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write(bytes)));
        assertEquals("tensor 'blk.3.attn_q.weight': type 99 is not a GGML type", e.getMessage());
    }

    @Test
    void rejectsTruncatedTensorDataButMetadataOnlyOpenStillWorks() throws IOException {
        byte[] bytes = new GgufBuilder().kvString("general.architecture", "llama")
                .tensor("a", 0, new long[] {64}, new byte[256]).build();
        Path p = write(java.util.Arrays.copyOf(bytes, bytes.length - 10));
        var e = assertThrows(GgufFormatException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().startsWith("tensor 'a': data"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        try (GgufFile f = GgufFile.openMetadataOnly(p)) {
            assertEquals("llama", f.metadata().getString("general.architecture").orElseThrow());
        }
    }

    @Test
    void rejectsOverlappingAndMisalignedTensorsAndBadShapes() throws IOException {
        // two tensors at the same offset: build, then patch the second offset to 0
        byte[] ok = new GgufBuilder().tensor("a", 0, new long[] {8}, new byte[32]).tensor("b", 0, new long[] {8}, new byte[32]).build();
        byte[] overlap = ok.clone();
        int bOffsetPos = indexOf(overlap, "b".getBytes()) + 1 + 4 + 8 + 4;
        overlap[bOffsetPos] = 0;
        var e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write(overlap)));
        assertEquals("tensor 'b': data overlaps tensor 'a'", e.getMessage());
        byte[] misaligned = ok.clone();
        misaligned[bOffsetPos] = 4;
        e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write(misaligned)));
        assertEquals("tensor 'b': data offset 4 is not aligned to 32", e.getMessage());
        byte[] badBlock = new GgufBuilder().tensor("q", 8, new long[] {16}, new byte[34]).build();
        e = assertThrows(GgufFormatException.class, () -> GgufFile.open(write(badBlock)));
        assertTrue(e.getMessage().startsWith("tensor 'q': row length 16 is not a multiple of the Q8_0 block size"), e.getMessage());
    }

    @Test
    void rejectsBadMagicVersionAndImpossibleCounts() throws IOException {
        assertThrows(GgufFormatException.class, () -> GgufFile.open(write(new byte[0])));
        assertTrue(assertThrows(GgufFormatException.class, () -> GgufFile.open(write("GGML....".getBytes())))
                .getMessage().startsWith("header: magic"));
        byte[] v9 = new GgufBuilder().build();
        v9[4] = 9;
        assertEquals("header.version: 9 is not supported (only GGUF v2 and v3)",
                assertThrows(GgufFormatException.class, () -> GgufFile.open(write(v9))).getMessage());
        byte[] hugeArray = new GgufBuilder().kvRaw("arr", 9, new GgufBuilder.Buf().u32(4).u64(1L << 50).bytes()).build();
        assertTrue(assertThrows(GgufFormatException.class, () -> GgufFile.open(write(hugeArray)))
                .getMessage().startsWith("metadata 'arr': array of"));
        byte[] badType = new GgufBuilder().kvRaw("k", 42, new byte[4]).build();
        assertEquals("metadata 'k': type 42 is not a GGUF value type",
                assertThrows(GgufFormatException.class, () -> GgufFile.open(write(badType))).getMessage());
    }

    @Test
    void aMissingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> GgufFile.open(tmp.resolve("absent.gguf")));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        // the tensor-info name "b" is preceded by its u64 length 1; find that pattern
        for (int i = 8; i < hay.length; i++) {
            if (hay[i] == needle[0] && hay[i - 8] == 1 && hay[i - 7] == 0 && hay[i - 1] == 0) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
