package dev.chrysalis.harness.router;

import static dev.chrysalis.harness.router.ShippedCatalogue.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.skill.calculator.CalculatorSkill;
import dev.chrysalis.skill.csv.CsvSkill;
import dev.chrysalis.skill.datetime.DateTimeSkill;
import dev.chrysalis.skill.files.FilesSkill;
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
 * The seven real shipped skills as the host lists them ({@code SkillDescriptor.of(skill)}): messages reach the
 * right skill, and the arguments the router builds are accepted by the skill itself.
 */
class ShippedSkillsRoutingTest {
    private static final List<Skill> SKILLS = List.of(new CalculatorSkill(), new UnitsSkill(), new DateTimeSkill(),
            new TextSkill(), new JsonSkill(), new CsvSkill(), new FilesSkill());
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
                Arguments.of("query $.items[0].name in data.json", "json", "{\"path\":\"$.items[0].name\",\"file\":\"data.json\"}", "pen"),
                Arguments.of("mean of price in sales.csv", "csv", "{\"column\":\"price\",\"file\":\"sales.csv\"}", "14.5"),
                Arguments.of("stats for sales.csv", "csv", "{\"file\":\"sales.csv\"}", "price"),
                Arguments.of("read notes.txt", "files", "{\"operation\":\"read\",\"path\":\"notes.txt\"}", "remember the milk"),
                Arguments.of("find files *.csv", "files", "{\"operation\":\"find\",\"pattern\":\"*.csv\"}", "sales.csv"),
                Arguments.of("list files", "files", "{\"operation\":\"list\"}", "data.json"),
                Arguments.of("calculate (1.5 + 2) * 4", "calculator", "{\"expression\":\"(1.5 + 2) * 4\"}", "14"),
                Arguments.of("What's sqrt(16) + 2^3?", "calculator", "{\"expression\":\"sqrt(16) + 2^3\"}", "12"),
                Arguments.of("convert 1.5 GB to MiB", "units", "{\"value\":1.5,\"from\":\"GB\",\"to\":\"MiB\"}", "1430.5"),
                Arguments.of("how many ounces in 2 pounds?", "units", "{\"value\":2,\"from\":\"pounds\",\"to\":\"ounces\"}", "32"),
                Arguments.of("weekday of 2024-02-29", "datetime", "{\"operation\":\"weekday\",\"date\":\"2024-02-29\"}", "Thursday"),
                Arguments.of("2026-01-31 plus 1 month", "datetime", "{\"operation\":\"add\",\"date\":\"2026-01-31\",\"period\":\"1 month\"}", "2026-02-28"),
                Arguments.of("subtract 2 weeks from 2026-03-01", "datetime", "{\"operation\":\"subtract\",\"period\":\"2 weeks\",\"date\":\"2026-03-01\"}", "2026-02-15"),
                Arguments.of("what is 14:00 Europe/London in Asia/Kolkata", "datetime",
                        "{\"operation\":\"convert\",\"time\":\"14:00\",\"from\":\"Europe/London\",\"to\":\"Asia/Kolkata\"}", "19:30"),
                Arguments.of("lowercase: SHOUTING IS RUDE", "text", "{\"operation\":\"lower\",\"text\":\"SHOUTING IS RUDE\"}", "shouting is rude"),
                Arguments.of("snake case Hello World", "text", "{\"operation\":\"snake\",\"text\":\"Hello World\"}", "hello_world"),
                Arguments.of("find /\\d+/ in order 66 shipped 12 items", "text",
                        "{\"operation\":\"find\",\"pattern\":\"/\\\\d+/\",\"text\":\"order 66 shipped 12 items\"}", "66"),
                Arguments.of("in {\"x\":[1,2,3]} what is at $.x[2]", "json", "{\"path\":\"$.x[2]\",\"document\":\"{\\\"x\\\":[1,2,3]}\"}", "3"),
                Arguments.of("what is the max of price in sales.csv?", "csv", "{\"column\":\"price\",\"file\":\"sales.csv\"}", "30"),
                Arguments.of("show lines 1-1 of notes.txt", "files",
                        "{\"operation\":\"read\",\"path\":\"notes.txt\",\"startLine\":1,\"endLine\":1}", "remember the milk"),
                Arguments.of("find files named **/*.json", "files", "{\"operation\":\"find\",\"pattern\":\"**/*.json\"}", "data.json"));
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
        Files.writeString(workspace.resolve("notes.txt"), "remember the milk\n");
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
