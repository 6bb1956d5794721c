package dev.chrysalis.skill.calculator;

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
class CalculatorSkillInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CalculatorSkill skill = new CalculatorSkill();

    @TempDir
    Path workspace;

    private ReplayContext context() {
        return new ReplayContext(workspace, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(1), SkillLimits.DEFAULT, System.getLogger("test"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"2+2\"", "42", "{}", "{\"expression\":null}", "{\"expression\":[1]}",
            "{\"expression\":{\"a\":1}}", "{\"expression\":true}", "{\"expression\":\"\"}", "{\"expr\":\"1+1\"}",
            "{\"expression\":\"hello world\"}", "{\"expression\":\"))))\"}", "{\"expression\":\"\\u0000\"}"})
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
    void overlongExpressionIsRefused() {
        var input = JSON.createObjectNode().put("expression", "1+".repeat(6000) + "1");
        assertTrue(assertThrows(SkillInputException.class, () -> skill.invoke(context(), input)).getMessage().contains("limit"));
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        SplittableRandom random = new SplittableRandom(42);
        String alphabet = "0123456789+-*/^%().,e pisqrtlnmaxE\u00d7";
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + random.nextInt(25);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            var input = JSON.createObjectNode().put("expression", sb.toString());
            try {
                skill.invoke(context(), input);
            } catch (SkillInputException expected) {
                assertTrue(expected.getMessage().startsWith("cannot evaluate") || expected.getMessage().contains("expression"),
                        expected.getMessage());
            } catch (SkillException | RuntimeException e) {
                throw new AssertionError("'" + sb + "' threw " + e, e);
            }
        }
    }

    @Test
    void summarySaysWhetherTheValueIsExact() throws Exception {
        assertEquals("2+3*4 = 14", skill.invoke(context(), JSON.readTree("{\"expression\":\"2+3*4\"}")).summary());
        assertEquals("1/3 \u2248 0.3333333333333333333333333333333333",
                skill.invoke(context(), JSON.readTree("{\"expression\":\"1/3\"}")).summary());
    }
}
