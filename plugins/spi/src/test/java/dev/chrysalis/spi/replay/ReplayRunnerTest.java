package dev.chrysalis.spi.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads "name" from the input and a file from the workspace; reports the clock it sees. */
    private static final Skill GREETER = new Skill() {
        public String name() { return "greeter"; }
        public String description() { return "greets"; }
        public JsonNode inputSchema() { return JsonNodeFactory.instance.objectNode(); }
        public SkillResult invoke(SkillContext ctx, JsonNode input) throws SkillException {
            if (!input.hasNonNull("name")) {
                throw new SkillInputException("field 'name' is required");
            }
            String suffix = "";
            try {
                Path f = ctx.workspace().resolve("suffix.txt");
                if (Files.exists(f)) suffix = Files.readString(f);
            } catch (java.io.IOException e) {
                throw new SkillException("cannot read suffix.txt", e);
            }
            var out = JsonNodeFactory.instance.objectNode()
                    .put("greeting", "hello " + input.get("name").asText() + suffix)
                    .put("now", ctx.clock().instant().toString())
                    .put("ratio", 1.0 / 3.0);
            return new SkillResult(out, out.get("greeting").asText());
        }
    };

    @Test
    void casesPassWithRecordedClockFilesAndTolerance(@TempDir Path tmp) {
        String jsonl = """
                # comment lines and blank lines are ignored

                {"id":"plain","input":{"name":"ada"},"expect":{"greeting":"hello ada","now":"2026-01-01T00:00:00Z","ratio":0.3333333333333333}}
                {"id":"clock","input":{"name":"bob"},"clock":"2030-05-06T07:08:09Z","files":{"suffix.txt":"!"},"tolerance":1e-6,"expect":{"greeting":"hello bob!","now":"2030-05-06T07:08:09Z","ratio":0.333333}}
                {"id":"missing","input":{},"expectError":"'name' is required"}
                """;
        List<ReplayCase> cases = ReplayCases.parse(jsonl, "greeter", "greeter.jsonl");
        List<ReplayOutcome> outcomes = new ReplayRunner(tmp).run(GREETER, cases);
        assertEquals(3, outcomes.size());
        outcomes.forEach(o -> assertTrue(o.passed(), o.toString()));
    }

    @Test
    void mismatchNamesThePathThatDiffers(@TempDir Path tmp) {
        var c = ReplayCases.parse("{\"id\":\"x\",\"input\":{\"name\":\"ada\"},\"expect\":{\"greeting\":\"hi ada\",\"now\":\"2026-01-01T00:00:00Z\",\"ratio\":0.3333333333333333}}", "greeter", "t");
        var outcome = new ReplayRunner(tmp).runOne(GREETER, c.getFirst());
        var mismatch = assertInstanceOf(ReplayOutcome.Mismatch.class, outcome);
        assertTrue(mismatch.diff().contains("$.greeting: expected \"hi ada\", got \"hello ada\""), mismatch.diff());
    }

    @Test
    void unexpectedSuccessAndWrongErrorsAreReported(@TempDir Path tmp) {
        var cases = ReplayCases.parse("""
                {"id":"should-fail","input":{"name":"x"},"expectError":"boom"}
                {"id":"other-error","input":{},"expectError":"boom"}
                """, "greeter", "t");
        var outcomes = new ReplayRunner(tmp).run(GREETER, cases);
        assertInstanceOf(ReplayOutcome.WrongError.class, outcomes.get(0));
        var wrong = assertInstanceOf(ReplayOutcome.WrongError.class, outcomes.get(1));
        assertTrue(wrong.detail().contains("'name' is required"));
    }

    @Test
    void malformedLinesAreRejectedWithTheirLineNumber() {
        var e1 = assertThrows(ReplayFormatException.class, () -> ReplayCases.parse("{\"id\":\"a\",\"input\":{},\"expect\":{}}\n{oops", "s", "cases.jsonl"));
        assertTrue(e1.getMessage().startsWith("cases.jsonl line 2: not valid JSON"), e1.getMessage());
        var e2 = assertThrows(ReplayFormatException.class, () -> ReplayCases.parse("{\"id\":\"a\",\"input\":{}}", "s", "f"));
        assertTrue(e2.getMessage().contains("exactly one of 'expect' and 'expectError'"), e2.getMessage());
        var e3 = assertThrows(ReplayFormatException.class, () -> ReplayCases.parse(
                "{\"id\":\"a\",\"input\":{},\"expect\":{}}\n{\"id\":\"a\",\"input\":{},\"expect\":{}}", "s", "f"));
        assertTrue(e3.getMessage().contains("duplicate case id 'a'"), e3.getMessage());
        var e4 = assertThrows(ReplayFormatException.class, () -> ReplayCases.parse("{\"id\":\"a\",\"input\":{},\"expect\":{},\"clock\":\"yesterday\"}", "s", "f"));
        assertTrue(e4.getMessage().contains("'clock' is not an ISO instant"), e4.getMessage());
    }

    @Test
    void workspaceFilesMayNotEscape(@TempDir Path tmp) {
        var c = ReplayCases.parse("{\"id\":\"esc\",\"input\":{\"name\":\"a\"},\"files\":{\"../evil\":\"x\"},\"expect\":{}}", "greeter", "t");
        assertThrows(ReplayFormatException.class, () -> new ReplayRunner(tmp).runOne(GREETER, c.getFirst()));
    }

    @Test
    void jsonLinesRoundTrip() throws Exception {
        String line = "{\"id\":\"rt\",\"skill\":\"greeter\",\"input\":{\"name\":\"a\"},\"expect\":{\"k\":1},\"clock\":\"2030-01-01T00:00:00Z\",\"seed\":9,\"files\":{\"a.txt\":\"x\"},\"tolerance\":0.5}";
        var c = ReplayCases.parse(line, "greeter", "t").getFirst();
        assertEquals(JSON.readTree(line), JSON.readTree(ReplayCases.toJsonLine(c)));
    }
}
