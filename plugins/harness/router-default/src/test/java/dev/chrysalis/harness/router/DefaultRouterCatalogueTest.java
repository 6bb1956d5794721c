package dev.chrysalis.harness.router;

import static dev.chrysalis.harness.router.ShippedCatalogue.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Realistic messages to the seven shipped skills reach the right skill with the right, typed arguments. */
class DefaultRouterCatalogueTest {
    private static final List<SkillDescriptor> CATALOGUE = ShippedCatalogue.all();
    private final DefaultRouter router = new DefaultRouter();

    static Stream<Arguments> messages() {
        return Stream.of(
                // calculator
                Arguments.of("what is 2+3*4?", "calculator", "{\"expression\":\"2+3*4\"}"),
                Arguments.of("calculate (12.5 - 2) / 3", "calculator", "{\"expression\":\"(12.5 - 2) / 3\"}"),
                Arguments.of("17 * 23", "calculator", "{\"expression\":\"17 * 23\"}"),
                Arguments.of("What's sqrt(2) * 10?", "calculator", "{\"expression\":\"sqrt(2) * 10\"}"),
                Arguments.of("evaluate 2^10 - 1", "calculator", "{\"expression\":\"2^10 - 1\"}"),
                // units (priority 10 beats the calculator's "what is")
                Arguments.of("convert 5 km to miles", "units", "{\"value\":5,\"from\":\"km\",\"to\":\"miles\"}"),
                Arguments.of("what is 100 fahrenheit in celsius?", "units", "{\"value\":100,\"from\":\"fahrenheit\",\"to\":\"celsius\"}"),
                Arguments.of("2.5 kg to pounds", "units", "{\"value\":2.5,\"from\":\"kg\",\"to\":\"pounds\"}"),
                Arguments.of("Convert 1,500 MB into GB.", "units", "{\"value\":1500,\"from\":\"MB\",\"to\":\"GB\"}"),
                Arguments.of("how many feet in a mile", "units", "{\"to\":\"feet\",\"from\":\"mile\",\"value\":1}"),
                Arguments.of("how many ounces in 3 pounds?", "units", "{\"to\":\"ounces\",\"value\":3,\"from\":\"pounds\"}"),
                Arguments.of("60 mph in km/h", "units", "{\"value\":60,\"from\":\"mph\",\"to\":\"km/h\"}"),
                // datetime
                Arguments.of("what day of the week is 2026-03-01?", "datetime", "{\"operation\":\"weekday\",\"date\":\"2026-03-01\"}"),
                Arguments.of("How many days between 2026-01-01 and 2026-12-25", "datetime", "{\"operation\":\"difference\",\"date\":\"2026-01-01\",\"other\":\"2026-12-25\"}"),
                Arguments.of("add 90 days to 2026-01-31", "datetime", "{\"operation\":\"add\",\"amount\":90,\"unit\":\"days\",\"date\":\"2026-01-31\"}"),
                Arguments.of("3 weeks before 2026-05-10", "datetime", "{\"operation\":\"subtract\",\"amount\":3,\"unit\":\"weeks\",\"date\":\"2026-05-10\"}"),
                Arguments.of("what time is it in Europe/Berlin?", "datetime", "{\"operation\":\"now\",\"zone\":\"Europe/Berlin\"}"),
                Arguments.of("what time is it", "datetime", "{\"operation\":\"now\"}"),
                // text
                Arguments.of("count the words in: the quick brown fox jumps", "text", "{\"operation\":\"count\",\"text\":\"the quick brown fox jumps\"}"),
                Arguments.of("uppercase hello world!", "text", "{\"operation\":\"upper\",\"text\":\"hello world!\"}"),
                Arguments.of("lowercase: SHOUTING IS RUDE", "text", "{\"operation\":\"lower\",\"text\":\"SHOUTING IS RUDE\"}"),
                Arguments.of("replace cat with dog in: the cat sat on the cat mat", "text", "{\"operation\":\"replace\",\"pattern\":\"cat\",\"replacement\":\"dog\",\"text\":\"the cat sat on the cat mat\"}"),
                Arguments.of("find /\\d+/ in order 66 shipped 12 items", "text", "{\"operation\":\"find\",\"pattern\":\"\\\\d+\",\"text\":\"order 66 shipped 12 items\"}"),
                Arguments.of("count characters in \"Hello there.\"", "text", "{\"operation\":\"count\",\"text\":\"Hello there.\"}"),
                // json
                Arguments.of("get $.a.b from {\"a\":{\"b\":42}}", "json", "{\"path\":\"$.a.b\",\"document\":\"{\\\"a\\\":{\\\"b\\\":42}}\"}"),
                Arguments.of("query $.items[0].name in {\"items\":[{\"name\":\"pen\"}]}", "json", "{\"path\":\"$.items[0].name\",\"document\":\"{\\\"items\\\":[{\\\"name\\\":\\\"pen\\\"}]}\"}"),
                // csv
                Arguments.of("what is the mean of price in sales.csv?", "csv", "{\"statistic\":\"mean\",\"column\":\"price\",\"file\":\"sales.csv\"}"),
                Arguments.of("average of the age column in data/people.csv", "csv", "{\"statistic\":\"mean\",\"column\":\"age\",\"file\":\"data/people.csv\"}"),
                Arguments.of("max of revenue in q3.csv", "csv", "{\"statistic\":\"max\",\"column\":\"revenue\",\"file\":\"q3.csv\"}"),
                Arguments.of("stats for column amount in ledger.csv", "csv", "{\"statistic\":\"summary\",\"column\":\"amount\",\"file\":\"ledger.csv\"}"),
                // files
                Arguments.of("read notes.txt", "files", "{\"operation\":\"read\",\"path\":\"notes.txt\"}"),
                Arguments.of("show me the file docs/plan.md.", "files", "{\"operation\":\"read\",\"path\":\"docs/plan.md\"}"),
                Arguments.of("find files named *.java", "files", "{\"operation\":\"find\",\"pattern\":\"*.java\"}"),
                Arguments.of("list the files in reports", "files", "{\"operation\":\"list\",\"path\":\"reports\"}"),
                Arguments.of("list files", "files", "{\"operation\":\"list\"}"),
                // no pattern: the example "shout good morning" lends its shape
                Arguments.of("shout see you tomorrow", "text", "{\"operation\":\"upper\",\"text\":\"see you tomorrow\"}"),
                Arguments.of("in {\"k\":[true,false]} what is at $.k[0]?", "json", "{\"path\":\"$.k[0]\",\"document\":\"{\\\"k\\\":[true,false]}\"}"),
                Arguments.of("summarize column height of trees.csv", "csv", "{\"statistic\":\"summary\",\"column\":\"height\",\"file\":\"trees.csv\"}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("messages")
    void routesRealisticMessagesToTheRightSkillWithTypedArguments(String message, String skill, String arguments) {
        RouteDecision decision = router.route(message, CATALOGUE);
        var routed = assertInstanceOf(RouteDecision.Routed.class, decision, () -> "for '" + message + "': " + decision);
        assertEquals(skill, routed.skill(), () -> "for '" + message + "': " + routed.reason());
        JsonNode expected = json(arguments);
        assertEquals(expected, routed.arguments(), () -> "for '" + message + "': " + routed.reason());
        assertTrue(routed.confidence() > 0 && routed.confidence() <= 1, "confidence in (0,1]");
        assertTrue(!routed.reason().isBlank());
    }
}
