package dev.chrysalis.harness.router;

import static dev.chrysalis.harness.router.ShippedCatalogue.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.skill.calculator.CalculatorSkill;
import dev.chrysalis.skill.datetime.DateTimeSkill;
import dev.chrysalis.skill.json.JsonSkill;
import dev.chrysalis.skill.text.TextSkill;
import dev.chrysalis.skill.units.UnitsSkill;
import dev.chrysalis.spi.replay.ReplayContext;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillLimits;
import dev.chrysalis.spi.skill.SkillResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real shipped skills as the host lists them ({@code SkillDescriptor.of(skill)}): messages reach the
 * right skill, and the arguments the router builds are accepted by the skill itself.
 */
class ShippedSkillsRoutingTest {
    private static final List<Skill> SKILLS = List.of(new CalculatorSkill(), new UnitsSkill(), new DateTimeSkill(),
            new TextSkill(), new JsonSkill());
    private static final List<SkillDescriptor> CATALOGUE = SKILLS.stream().map(SkillDescriptor::of).toList();
    private final DefaultRouter router = new DefaultRouter(new RecordingLogger());

    @TempDir
    Path workspace;

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of("what is 2+3*4?", "calculator", "{\"expression\":\"2+3*4\"}", "14"),
                Arguments.of("17 * 23", "calculator", "{\"expression\":\"17 * 23\"}", "391"),
                Arguments.of("compute round(10/3, 2)", "calculator", "{\"expression\":\"round(10/3, 2)\"}", "3.33"),
                Arguments.of("convert 5 km to miles", "units", "{\"value\":5,\"from\":\"km\",\"to\":\"miles\"}", "3.10"),
                Arguments.of("how many feet in a mile", "units", "{\"value\":1,\"from\":\"mile\",\"to\":\"feet\"}", "5280"),
                Arguments.of("what is 100 fahrenheit in celsius?", "units", "{\"value\":100,\"from\":\"fahrenheit\",\"to\":\"celsius\"}", "37.7"),
                Arguments.of("what weekday is 2026-12-25", "datetime", "{\"operation\":\"weekday\",\"date\":\"2026-12-25\"}", "Friday"),
                Arguments.of("how many days between 2024-01-01 and 2024-03-01", "datetime",
                        "{\"operation\":\"diff\",\"start\":\"2024-01-01\",\"end\":\"2024-03-01\"}", "60"),
                Arguments.of("add 3 weeks to 2024-03-01", "datetime", "{\"operation\":\"add\",\"period\":\"3 weeks\",\"date\":\"2024-03-01\"}", "2024-03-22"),
                Arguments.of("what time is it in Asia/Tokyo?", "datetime", "{\"operation\":\"now\",\"zone\":\"Asia/Tokyo\"}", "09:00"),
                Arguments.of("count words in the quick brown fox", "text", "{\"operation\":\"count\",\"text\":\"the quick brown fox\"}", "4"),
                Arguments.of("uppercase hello world", "text", "{\"operation\":\"upper\",\"text\":\"hello world\"}", "HELLO WORLD"),
                Arguments.of("replace cat with dog in: the cat sat", "text",
                        "{\"operation\":\"replace\",\"pattern\":\"cat\",\"replacement\":\"dog\",\"text\":\"the cat sat\"}", "the dog sat"),
                Arguments.of("get $.a.b from {\"a\":{\"b\":42}}", "json", "{\"path\":\"$.a.b\",\"document\":\"{\\\"a\\\":{\\\"b\\\":42}}\"}", "42"),
                Arguments.of("query $.items[0].name in data.json", "json", "{\"path\":\"$.items[0].name\",\"file\":\"data.json\"}", "pen"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("messages")
    void routesToTheRealSkillWhichAcceptsTheArguments(String message, String skill, String arguments, String answerHas)
            throws Exception {
        var routed = assertInstanceOf(RouteDecision.Routed.class, router.route(message, CATALOGUE), message);
        assertEquals(skill, routed.skill(), routed.reason());
        assertEquals(json(arguments), routed.arguments(), routed.reason());

        Files.writeString(workspace.resolve("data.json"), "{\"items\":[{\"name\":\"pen\",\"price\":1.5}]}");
        Files.writeString(workspace.resolve("sales.csv"), "item,price\npen,1.5\nbook,12\nlamp,30\n");
        Skill target = SKILLS.stream().filter(s -> s.name().equals(skill)).findFirst().orElseThrow();
        var context = new ReplayContext(workspace, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
                new SplittableRandom(0), SkillLimits.DEFAULT, System.getLogger("test"));
        SkillResult result;
        try {
            result = target.invoke(context, routed.arguments());
        } catch (SkillException e) {
            throw new AssertionError(skill + " refused the routed arguments " + routed.arguments() + ": " + e.getMessage(), e);
        }
        String answer = result.summary() + " " + result.output();
        assertTrue(answer.contains(answerHas), () -> "expected '" + answerHas + "' in " + answer);
    }

    @Test
    void everyExampleTheSkillsDeclareRoutesBackToItsSkill() {
        int examples = 0;
        for (SkillDescriptor d : CATALOGUE) {
            for (var example : d.examples()) {
                examples++;
                RouteDecision decision = router.route(example.utterance(), CATALOGUE);
                var routed = assertInstanceOf(RouteDecision.Routed.class, decision, () -> example.utterance() + " -> " + decision);
                assertEquals(d.name(), routed.skill(), () -> example.utterance() + ": " + routed.reason());
            }
        }
        assertTrue(examples >= 20, "examples: " + examples);
    }

    @Test
    void chitChatIsUnrouted() {
        for (String m : List.of("tell me a joke", "hello there", "what's the weather in Paris?", "thanks!")) {
            assertInstanceOf(RouteDecision.Unrouted.class, router.route(m, CATALOGUE), m);
        }
    }
}
