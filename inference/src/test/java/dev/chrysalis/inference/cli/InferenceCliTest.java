package dev.chrysalis.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.inference.testutil.CliRun;
import dev.chrysalis.inference.testutil.GgufBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceCliTest {

    @TempDir
    Path tmp;

    @Test
    void generateStreamsLlamaCppsGreedyTextForStories260K() {
        dev.chrysalis.inference.testutil.Refs refs = dev.chrysalis.inference.testutil.Refs.load("stories260K.p0.json");
        String expected = refs.root().get("llamacpp_kvF32").get("greedy_text").asText();
        int n = refs.greedyIds("llamacpp_kvF32").length;
        CliRun r = CliRun.of("generate", "--model", dev.chrysalis.inference.testutil.Fixtures.model("stories260K.gguf").toString(),
                "--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", Integer.toString(n), "--threads", "2");
        assertEquals(0, r.status(), r.err());
        assertEquals(expected, r.out().strip().isEmpty() ? "" : r.out().substring(0, r.out().length() - System.lineSeparator().length()));
        assertTrue(r.err().contains("loading stories260K.gguf ["), "progress bar: " + r.err());
        assertTrue(r.err().contains("100%"), r.err());
        assertTrue(r.err().contains("[5 prompt tokens"), r.err());
    }

    @Test
    void chatKeepsTheConversationAndReusesEarlierTurns() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        var in = new java.io.ByteArrayInputStream("Tell me a story.\n\nAnd then?\n/exit\n".getBytes(StandardCharsets.UTF_8));
        int status = new InferenceCli(new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8), in,
                dev.chrysalis.inference.tokenizer.Tokenizers::fromGguf).execute("generate", "--model",
                dev.chrysalis.inference.testutil.Fixtures.model("stories260K.gguf").toString(), "--chat", "--max-tokens", "12",
                "--temperature", "0", "--system", "You tell stories.");
        String err = e.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err);
        assertTrue(err.contains("(template llama2)"), err);
        var turns = java.util.regex.Pattern.compile("\\[(\\d+) prompt tokens, (\\d+) reused").matcher(err);
        assertTrue(turns.find(), err);
        assertEquals("0", turns.group(2), "first turn computes everything");
        assertTrue(turns.find(), err);
        int prompt2 = Integer.parseInt(turns.group(1));
        int reused2 = Integer.parseInt(turns.group(2));
        assertTrue(reused2 > 20 && reused2 < prompt2, "second turn reuses the first: " + err);
        assertEquals(4, o.toString(StandardCharsets.UTF_8).split("> ", -1).length - 1, "a prompt per input line");
    }

    @Test
    void aDirectoryGivenAsTheModelIsNamedAsOne() {
        CliRun r = CliRun.of("generate", "--model", tmp.toString(), "--prompt", "hi");
        assertEquals(1, r.status());
        assertEquals("error: " + tmp + " is a directory, not a GGUF model file", r.err().strip());
    }

    @Test
    void aMissingModelFileIsAOneLineError() {
        CliRun r = CliRun.of("generate", "--model", tmp.resolve("nope.gguf").toString(), "--prompt", "hi");
        assertEquals(1, r.status());
        assertTrue(r.err().strip().endsWith("error: model file not found: " + tmp.resolve("nope.gguf")), r.err());
    }

    @Test
    void anUnsupportedArchitectureIsAOneLineError() throws IOException {
        Path p = tmp.resolve("gpt2.gguf");
        Files.write(p, new GgufBuilder().kvString("general.architecture", "gpt2").build());
        CliRun r = CliRun.of("generate", "--model", p.toString(), "--prompt", "hi");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: unsupported model gpt2.gguf: metadata 'general.architecture': 'gpt2' is not supported"), r.err());
    }

    @Test
    void aModelThatDoesNotFitIsAOneLineError() {
        CliRun r = CliRun.of("generate", "--model", dev.chrysalis.inference.testutil.Fixtures.model("tiny-F32.gguf").toString(), "--prompt", "hi",
                "--ctx", "2000000000");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: model does not fit in memory: model tiny-F32.gguf needs"), r.err());
    }

    @Test
    void badArgumentsPrintUsage() {
        CliRun r = CliRun.of("generate", "--prompt", "hi");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--model is required"));
        assertTrue(r.err().contains("usage: generate"));
        assertEquals(2, CliRun.of("generate", "--model", "x", "--prompt", "p", "--kv", "q3").status());
        assertEquals(2, CliRun.of("frobnicate").status());
        assertEquals(2, CliRun.of("bench", "inference", "--threads", "zero").status());
        assertEquals(0, CliRun.of("bench", "inference", "--help").status());
    }

    @Test
    void generateHelpListsEveryOptionWithItsDefault() {
        CliRun r = CliRun.of("generate", "--help");
        assertEquals(0, r.status(), r.err());
        for (String option : new String[] {"--model", "--prompt", "--max-tokens", "--temperature", "--top-k", "--top-p", "--min-p",
                "--repeat-penalty", "--seed", "--threads", "--ctx", "--kv", "--device", "--exact", "--chat", "--system", "--template"}) {
            assertTrue(r.out().contains(option + " "), option + " missing from: " + r.out());
        }
        // the defaults printed are the sampler's own
        dev.chrysalis.inference.sampling.SamplingOptions d = dev.chrysalis.inference.sampling.SamplingOptions.defaults();
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "(default %.2f)", d.minP())), r.out());
        assertTrue(r.out().contains("(default " + d.topK() + ")"), r.out());
        assertEquals(0, CliRun.of("generate", "-h").status());
        // an option's value that reads "-h" is the value, not a request for help
        CliRun prompt = CliRun.of("generate", "--model", dev.chrysalis.inference.testutil.Fixtures.model("stories260K.gguf").toString(),
                "--prompt", "-h", "--max-tokens", "1", "--threads", "1");
        assertEquals(0, prompt.status(), prompt.err());
        assertTrue(!prompt.out().contains("usage: generate") && prompt.err().contains("generated"), prompt.toString());
    }

    @Test
    void wholeNumberOptionsRejectFractionsAndOverflow() {
        String model = dev.chrysalis.inference.testutil.Fixtures.model("stories260K.gguf").toString();
        CliRun fraction = CliRun.of("generate", "--model", model, "--prompt", "p", "--max-tokens", "1.5");
        assertEquals(2, fraction.status());
        assertTrue(fraction.err().contains("--max-tokens: '1.5' is not a whole number"), fraction.err());
        CliRun huge = CliRun.of("generate", "--model", model, "--prompt", "p", "--ctx", "99999999999");
        assertEquals(2, huge.status());
        assertTrue(huge.err().contains("--ctx: 99999999999 is out of range"), huge.err());
        assertEquals(2, CliRun.of("generate", "--model", model, "--prompt", "p", "--seed", "1e3").status());
    }

    @Test
    void aContextPastTheTrainedOneIsWarnedAbout() {
        String model = dev.chrysalis.inference.testutil.Fixtures.model("stories260K.gguf").toString();
        CliRun past = CliRun.of("generate", "--model", model, "--prompt", "Once", "--max-tokens", "1", "--ctx", "4096", "--threads", "1");
        assertEquals(0, past.status(), past.err());
        assertTrue(past.err().contains("[warning: context 4096 is longer than the 2048 positions the model was trained on"), past.err());
        CliRun within = CliRun.of("generate", "--model", model, "--prompt", "Once", "--max-tokens", "1", "--threads", "1");
        assertEquals(0, within.status(), within.err());
        assertTrue(!within.err().contains("[warning"), within.err());
    }
}
