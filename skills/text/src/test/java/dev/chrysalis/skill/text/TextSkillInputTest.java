package dev.chrysalis.skill.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.replay.ReplayContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed inputs get a SkillInputException naming the problem, never another exception. */
class TextSkillInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TextSkill skill = new TextSkill();

    @TempDir
    Path workspace;

    private ReplayContext context() {
        return new ReplayContext(workspace, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(1), SkillLimits.DEFAULT, System.getLogger("test"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"upper\"", "{}", "{\"operation\":\"upper\"}", "{\"operation\":\"upper\",\"text\":5}",
            "{\"operation\":5,\"text\":\"a\"}", "{\"operation\":\"\",\"text\":\"a\"}", "{\"text\":\"a\"}",
            "{\"operation\":\"find\",\"text\":\"a\",\"pattern\":\"\"}", "{\"operation\":\"find\",\"text\":\"a\",\"pattern\":[\"a\"]}",
            "{\"operation\":\"find\",\"text\":\"a\",\"pattern\":\"*\"}", "{\"operation\":\"find\",\"text\":\"a\",\"pattern\":\"a\",\"ignoreCase\":\"maybe\"}",
            "{\"operation\":\"replace\",\"text\":\"a\",\"pattern\":\"a\",\"replacement\":\"\\\\\"}",
            "{\"operation\":\"replace\",\"text\":\"a\",\"pattern\":\"a\",\"replacement\":\"${name}\"}",
            "{\"operation\":\"replace\",\"text\":\"a\",\"pattern\":\"(\",\"replacement\":\"b\"}"})
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
    void oversizedTextIsRefusedForRegexButCountedOtherwise() throws Exception {
        String big = "word ".repeat(30_000);
        var find = JSON.createObjectNode().put("operation", "find").put("pattern", "w").put("text", big);
        assertTrue(assertThrows(SkillInputException.class, () -> skill.invoke(context(), find)).getMessage()
                .contains("regular expressions run on at most 100000"));
        var count = JSON.createObjectNode().put("operation", "count").put("text", big);
        assertEquals(30_000, skill.invoke(context(), count).output().get("words").asInt());
    }

    @Test
    void catastrophicPatternFailsFastWithAClearError() {
        var input = JSON.createObjectNode().put("operation", "replace").put("pattern", "(x+x+)+y").put("replacement", "")
                .put("text", "x".repeat(5000));
        long start = System.nanoTime();
        SkillException e = assertThrows(SkillException.class, () -> skill.invoke(context(), input));
        assertTrue(e.getMessage().contains("catastrophic backtracking"), e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "gave up within seconds");
    }

    @Test
    void findListsAtMostAThousandMatchesButCountsAll() throws Exception {
        var input = JSON.createObjectNode().put("operation", "find").put("pattern", "x").put("text", "x".repeat(1500));
        var out = skill.invoke(context(), input).output();
        assertEquals(1500, out.get("count").asInt());
        assertEquals(1000, out.get("matches").size());
        assertTrue(out.get("truncated").asBoolean());
    }
}
