package dev.chrysalis.inference.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.testutil.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** llama.cpp's tokenizer test vectors ({@code vocab/ggml-vocab-*.gguf.inp/.out}) must encode exactly. */
class TokenizerVectorsTest {

    static final List<String> VOCABS = List.of("llama-spm", "phi-3", "llama-bpe", "qwen2", "gpt-2", "mpt", "deepseek-coder", "bert-bge");
    private static final ConcurrentHashMap<String, Tokenizer> CACHE = new ConcurrentHashMap<>();

    static Tokenizer tokenizer(String vocab) {
        return CACHE.computeIfAbsent(vocab, v -> {
            try (GgufFile f = GgufFile.openMetadataOnly(Fixtures.vocab("ggml-vocab-" + v + ".gguf"))) {
                return Tokenizers.fromGguf(f);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    record Vector(String input, int[] ids) {
    }

    static List<Vector> vectors(String vocab) throws IOException {
        Path base = Fixtures.vocab("ggml-vocab-" + vocab + ".gguf");
        String inp = Files.readString(Path.of(base + ".inp"), StandardCharsets.UTF_8);
        List<String> inputs = new ArrayList<>(Arrays.asList(inp.split("\n__ggml_vocab_test__\n", -1)));
        List<String> outs = Files.readAllLines(Path.of(base + ".out"), StandardCharsets.UTF_8);
        if (inputs.getLast().isEmpty()) {
            inputs.removeLast();
        }
        List<Vector> v = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String line = outs.get(i).trim();
            int[] ids = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
            v.add(new Vector(inputs.get(i), ids));
        }
        return v;
    }

    static Stream<Arguments> vocabs() {
        return VOCABS.stream().filter(v -> Files.exists(Fixtures.vocab("ggml-vocab-" + v + ".gguf"))).map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("vocabs")
    void everyVectorEncodesToTheReferenceIds(String vocab) throws IOException {
        Tokenizer t = tokenizer(vocab);
        List<Vector> vectors = vectors(vocab);
        assertTrue(vectors.size() >= 40, "expected the upstream vector set, got " + vectors.size());
        List<String> failures = new ArrayList<>();
        for (Vector v : vectors) {
            int[] got = t.encode(v.input());
            if (!Arrays.equals(v.ids(), got)) {
                failures.add("input " + escape(v.input()) + "\n   expected " + Arrays.toString(v.ids()) + "\n   got      " + Arrays.toString(got));
            }
        }
        assertEquals(List.of(), failures, vocab + ": " + failures.size() + " of " + vectors.size() + " vectors differ");
    }

    @ParameterizedTest
    @MethodSource("vocabs")
    void decodingTheReferenceIdsGivesTheInputBack(String vocab) throws IOException {
        if (vocab.equals("bert-bge")) {
            return; // WordPiece lower-cases and drops whitespace: lossy by design
        }
        Tokenizer t = tokenizer(vocab);
        List<String> failures = new ArrayList<>();
        for (Vector v : vectors(vocab)) {
            String back = t.decode(v.ids());
            if (!back.equals(v.input())) {
                failures.add(escape(v.input()) + " -> " + escape(back));
            }
        }
        assertEquals(List.of(), failures, vocab);
    }

    static String escape(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
