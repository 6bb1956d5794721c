package dev.chrysalis.skill.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.replay.ReplayContext;
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
class UnitsSkillInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final UnitsSkill skill = new UnitsSkill();

    @TempDir
    Path workspace;

    private ReplayContext context() {
        return new ReplayContext(workspace, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(1), SkillLimits.DEFAULT, System.getLogger("test"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"5 km to mi\"", "{}", "{\"value\":5}", "{\"value\":5,\"from\":\"km\"}",
            "{\"value\":null,\"from\":\"km\",\"to\":\"mi\"}", "{\"value\":[5],\"from\":\"km\",\"to\":\"mi\"}",
            "{\"value\":true,\"from\":\"km\",\"to\":\"mi\"}", "{\"value\":\"1e999999999\",\"from\":\"km\",\"to\":\"mi\"}",
            "{\"value\":5,\"from\":\"\",\"to\":\"mi\"}", "{\"value\":5,\"from\":{},\"to\":\"mi\"}",
            "{\"value\":5,\"from\":\"km\",\"to\":\"\\u0000\"}", "{\"value\":5,\"from\":\"km\",\"to\":\"kg\"}",
            "{\"value\":\"NaN\",\"from\":\"km\",\"to\":\"mi\"}", "{\"value\":1e300,\"from\":\"km\",\"to\":\"mi\"}"})
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
    void outputNumbersArePlainJson() throws Exception {
        var out = skill.invoke(context(), JSON.readTree("{\"value\":1,\"from\":\"TB\",\"to\":\"B\"}")).output();
        assertEquals("1000000000000", out.get("result").toString());
        assertTrue(out.get("result").isIntegralNumber());
        var small = skill.invoke(context(), JSON.readTree("{\"value\":1,\"from\":\"mm\",\"to\":\"km\"}")).output();
        assertEquals(0, new java.math.BigDecimal("0.000001").compareTo(small.get("result").decimalValue()));
    }
}
