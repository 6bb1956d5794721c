package dev.chrysalis.skill.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.replay.ReplayContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed inputs get a SkillInputException naming the problem, never another exception; files stay inside the workspace. */
class JsonSkillInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonSkill skill = new JsonSkill();

    @TempDir
    Path root;

    private Path workspace() throws Exception {
        return Files.createDirectories(root.resolve("ws"));
    }

    private ReplayContext context(SkillLimits limits) throws Exception {
        return new ReplayContext(workspace(), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(1), limits, System.getLogger("test"));
    }

    private ReplayContext context() throws Exception {
        return context(SkillLimits.DEFAULT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"$.a\"", "{}", "{\"path\":5,\"document\":\"{}\"}", "{\"path\":\"$.a\"}",
            "{\"path\":\"$.a\",\"document\":5}", "{\"path\":\"$.a\",\"document\":true}", "{\"path\":\"$.a\",\"document\":\"\"}",
            "{\"path\":\"$.a\",\"document\":\"   \"}", "{\"path\":\"$.a\",\"document\":\"{\\\"a\\\"\"}", "{\"path\":\"$.a\",\"document\":\"nope\"}",
            "{\"path\":\"$.a\",\"document\":\"{}\",\"file\":\"a.json\"}", "{\"path\":\"$.a\",\"file\":\"/etc/passwd\"}",
            "{\"path\":\"$.a\",\"file\":\"a/../../x.json\"}", "{\"path\":\"$.a\",\"file\":\"\"}", "{\"path\":\"$.a\",\"file\":7}",
            "{\"path\":\"\",\"document\":\"{}\"}", "{\"path\":\"$[\",\"document\":\"{}\"}", "{\"path\":\"$.a\",\"file\":\"C:\\\\x.json\"}"})
    void malformedInputIsASkillInputException(String json) throws Exception {
        JsonNode input = JSON.readTree(json);
        SkillInputException e = assertThrows(SkillInputException.class, () -> skill.invoke(context(), input));
        assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.getMessage());
    }

    @Test
    void javaNullInputIsASkillInputException() {
        assertEquals("input is missing: expected a JSON object",
                assertThrows(SkillInputException.class, () -> skill.invoke(context(), null)).getMessage());
    }

    @Test
    void symlinkResolvingOutsideTheWorkspaceIsRefused() throws Exception {
        Path outside = Files.writeString(root.resolve("secret.json"), "{\"token\":\"s3cret\"}");
        Files.createSymbolicLink(workspace().resolve("link.json"), outside);
        var input = JSON.createObjectNode().put("path", "$.token").put("file", "link.json");
        SkillInputException e = assertThrows(SkillInputException.class, () -> skill.invoke(context(), input));
        assertTrue(e.getMessage().contains("resolves outside the workspace"), e.getMessage());
    }

    @Test
    void symlinkInsideTheWorkspaceIsFollowed() throws Exception {
        Path target = Files.writeString(workspace().resolve("real.json"), "{\"v\":1}");
        Files.createSymbolicLink(workspace().resolve("alias.json"), target);
        var out = skill.invoke(context(), JSON.createObjectNode().put("path", "$.v").put("file", "alias.json")).output();
        assertEquals(1, out.get("matches").get(0).asInt());
    }

    @Test
    void fileLargerThanTheReadLimitIsRefused() throws Exception {
        Files.writeString(workspace().resolve("big.json"), "[" + "1,".repeat(1000) + "1]");
        var input = JSON.createObjectNode().put("path", "$[0]").put("file", "big.json");
        SkillException e = assertThrows(SkillException.class,
                () -> skill.invoke(context(new SkillLimits(Duration.ofSeconds(5), 1000, 100)), input));
        assertTrue(e.getMessage().contains("the limit is 100 bytes"), e.getMessage());
    }

    @Test
    void outputIsCutAtTheOutputLimit() throws Exception {
        var input = JSON.createObjectNode().put("path", "$[*]").put("document", "[" + "\"abcdefghij\",".repeat(200) + "1]");
        var out = skill.invoke(context(new SkillLimits(Duration.ofSeconds(5), 500, 10_000)), input).output();
        assertTrue(out.get("truncated").asBoolean());
        assertTrue(out.get("count").asInt() < 50, out.toString());
    }

    @Test
    void numbersKeepTheirPrecision() throws Exception {
        var out = skill.invoke(context(), JSON.createObjectNode().put("path", "$.x").put("document", "{\"x\":0.1000000000000000055511151231257827}")).output();
        assertEquals("0.1000000000000000055511151231257827", out.get("matches").get(0).decimalValue().toPlainString());
    }
}
