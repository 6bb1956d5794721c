package dev.chrysalis.skill.datetime;

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
class DateTimeSkillInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DateTimeSkill skill = new DateTimeSkill();

    @TempDir
    Path workspace;

    private ReplayContext context() {
        return new ReplayContext(workspace, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(1), SkillLimits.DEFAULT, System.getLogger("test"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "[]", "\"now\"", "{}", "{\"operation\":7}", "{\"operation\":\"\"}",
            "{\"operation\":\"diff\"}", "{\"operation\":\"diff\",\"start\":\"2026-01-01\",\"end\":5}",
            "{\"operation\":\"add\",\"date\":\"2026-01-01\"}", "{\"operation\":\"add\",\"date\":[],\"period\":\"P1D\"}",
            "{\"operation\":\"add\",\"date\":\"2026-01-01\",\"amount\":1.5,\"unit\":\"days\"}",
            "{\"operation\":\"add\",\"date\":\"2026-01-01\",\"amount\":3,\"unit\":\"3 days\"}",
            "{\"operation\":\"add\",\"date\":\"2026-01-01\",\"amount\":3,\"unit\":\"fortnights\"}",
            "{\"operation\":\"add\",\"date\":\"+999999999-12-31\",\"period\":\"P1D\"}",
            "{\"operation\":\"add\",\"date\":\"2026-01-01\",\"period\":\"P999999999Y\"}",
            "{\"operation\":\"add\",\"date\":\"2026-01-01\",\"period\":\"999999999 years\"}",
            "{\"operation\":\"weekday\",\"date\":\"\"}", "{\"operation\":\"weekday\",\"date\":\"\\u0000\"}",
            "{\"operation\":\"convert\",\"time\":\"10:00\",\"to\":\"UTC\"}",
            "{\"operation\":\"convert\",\"time\":\"noon\",\"from\":\"UTC\",\"to\":\"UTC\"}",
            "{\"operation\":\"convert\",\"time\":\"10:00\",\"from\":\"UTC\",\"to\":\"\"}",
            "{\"operation\":\"now\",\"zone\":\"Moon/Base\"}", "{\"operation\":\"now\",\"zone\":{}}"})
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
    void operationAliasesAreAccepted() throws Exception {
        var out = skill.invoke(context(), JSON.readTree("{\"operation\":\"Difference\",\"start\":\"2026-01-01\",\"end\":\"2026-01-08\"}")).output();
        assertEquals(7, out.get("days").asInt());
        assertEquals("diff", out.get("operation").asText());
    }

    @Test
    void subtractWithNegativeAmountAdds() throws Exception {
        var out = skill.invoke(context(), JSON.readTree("{\"operation\":\"subtract\",\"date\":\"2026-01-10\",\"amount\":-2,\"unit\":\"days\"}")).output();
        assertEquals("2026-01-12", out.get("result").asText());
    }

    @Test
    void addingTimeToADateGivesADateTime() throws Exception {
        var out = skill.invoke(context(), JSON.readTree("{\"operation\":\"add\",\"date\":\"2026-01-10\",\"period\":\"36 hours\"}")).output();
        assertEquals("2026-01-11T12:00:00", out.get("result").asText());
    }

    @Test
    void dateDefaultsToTodayFromTheClock() throws Exception {
        var out = skill.invoke(context(), JSON.readTree("{\"operation\":\"add\",\"period\":\"1 day\"}")).output();
        assertEquals("2026-01-02", out.get("result").asText());
    }
}
