package dev.chrysalis.harness.router;

import static dev.chrysalis.harness.router.ShippedCatalogue.example;
import static dev.chrysalis.harness.router.ShippedCatalogue.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DefaultRouterTest {
    private final RecordingLogger log = new RecordingLogger();
    private final DefaultRouter router = new DefaultRouter(log);

    private static SkillDescriptor skill(String name, String schema, List<RoutePattern> patterns) {
        return new SkillDescriptor(name, name + " skill", json(schema), List.of(), patterns);
    }

    private RouteDecision.Routed routed(String message, List<SkillDescriptor> catalogue) {
        RouteDecision d = router.route(message, catalogue);
        return assertInstanceOf(RouteDecision.Routed.class, d, () -> message + " -> " + d);
    }

    private RouteDecision.Unrouted unrouted(String message, List<SkillDescriptor> catalogue) {
        RouteDecision d = router.route(message, catalogue);
        return assertInstanceOf(RouteDecision.Unrouted.class, d, () -> message + " -> " + d);
    }

    @Test
    void convertsCapturedTextToEachPropertysSchemaType() {
        var s = skill("typed", """
                {"type":"object","properties":{"n":{"type":"number"},"i":{"type":"integer"},"b":{"type":"boolean"},
                 "s":{"type":"string"},"mode":{"type":"string","enum":["Fast","Slow"]},"list":{"type":"array"}},
                 "required":["n","i","b","s"]}""",
                List.of(new RoutePattern("set (?<n>\\S+) (?<i>\\S+) (?<b>\\S+) (?<mode>\\S+) (?<list>\\[.*\\]) (?<s>.+)")));
        var r = routed("set -2.50 1,000 yes fast [1,2] \"quoted text\"?", List.of(s));
        assertEquals(json("{\"n\":-2.5,\"i\":1000,\"b\":true,\"mode\":\"Fast\",\"list\":[1,2],\"s\":\"quoted text\"}"), r.arguments());
        assertTrue(r.arguments().get("n").isNumber() && r.arguments().get("i").isIntegralNumber());
        assertEquals("Fast", r.arguments().get("mode").asText(), "enum values take their declared spelling");

        var big = routed("set 0.1 12345678901234567890 off slow [] x", List.of(s));
        assertEquals("12345678901234567890", big.arguments().get("i").asText(), "integers beyond long stay exact");
        assertEquals(false, big.arguments().get("b").asBoolean());
        assertEquals(0.1, big.arguments().get("n").doubleValue());
    }

    @Test
    @Timeout(5)
    void absurdlyLargeNumbersAreRefusedNotExpanded() {
        var s = skill("typed", """
                {"type":"object","properties":{"i":{"type":"integer"},"n":{"type":"number"}}}""",
                List.of(new RoutePattern("int (?<i>\\S+)"), new RoutePattern("num (?<n>\\S+)")));
        assertTrue(unrouted("int 1e999999999", List.of(s)).reason().contains("'1e999999999' is not an integer"));
        assertTrue(unrouted("num 1e-999999999", List.of(s)).reason().contains("is not a number"));
        assertEquals(1000, routed("int 1e3", List.of(s)).arguments().get("i").asInt());
    }

    @Test
    void aValueThatDoesNotFitItsTypeRejectsThePatternAndSaysSo() {
        var s = skill("typed", """
                {"type":"object","properties":{"i":{"type":"integer"},"mode":{"type":"string","enum":["a","b"]}},"required":["i"]}""",
                List.of(new RoutePattern("take (?<i>\\S+)(?: (?<mode>\\S+))?")));
        var r1 = unrouted("take 2.5", List.of(s));
        assertTrue(r1.reason().contains("'2.5' is not a whole number"), r1.reason());
        var r2 = unrouted("take ten", List.of(s));
        assertTrue(r2.reason().contains("'ten' is not an integer"), r2.reason());
        var r3 = unrouted("take 3 c", List.of(s));
        assertTrue(r3.reason().contains("'c' is not one of [a, b]"), r3.reason());
        assertEquals(json("{\"i\":3,\"mode\":\"b\"}"), routed("take 3 B.", List.of(s)).arguments());
    }

    @Test
    void stripsClosingPunctuationFromSingleWordsButKeepsItInFreeText() {
        var s = skill("echo", """
                {"type":"object","properties":{"word":{"type":"string"},"rest":{"type":"string"}},"required":["word"]}""",
                List.of(new RoutePattern("say (?<word>\\S+)(?: then (?<rest>.+))?")));
        assertEquals("notes.txt", routed("say notes.txt.", List.of(s)).arguments().get("word").asText());
        assertEquals("hi", routed("say hi?", List.of(s)).arguments().get("word").asText());
        assertEquals("Hello there.", routed("say x then Hello there.", List.of(s)).arguments().get("rest").asText());
        assertEquals("what now", routed("say x then what now?", List.of(s)).arguments().get("rest").asText());
    }

    @Test
    void higherPriorityWinsThenTheMoreLiteralPattern() {
        String schema = "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]}";
        var generic = skill("generic", schema, List.of(new RoutePattern("(?<x>.+)")));
        var specific = skill("specific", schema, List.of(new RoutePattern("translate (?<x>.+) please")));
        var urgent = skill("urgent", schema, List.of(new RoutePattern("(?<x>.+) please", Map.of(), 5)));
        var r = routed("translate bonjour please", List.of(generic, specific));
        assertEquals("specific", r.skill());
        assertTrue(r.reason().contains("specific") && r.reason().contains("translate"), r.reason());
        assertEquals("generic", routed("bonjour", List.of(generic, specific)).skill());
        var p = routed("translate bonjour please", List.of(generic, specific, urgent));
        assertEquals("urgent", p.skill(), "priority outranks specificity");
        assertTrue(p.reason().contains("priority 5"), p.reason());
    }

    @Test
    void theSameMessageAndCatalogueAlwaysGiveTheSameDecisionWhateverTheCatalogueOrder() {
        List<String> messages = List.of("convert 5 km to miles", "what is 2+3", "shout hi there", "tell me a joke",
                "average of score in grades.csv", "count words in: a b c", "read README.md");
        List<RouteDecision> first = new ArrayList<>();
        for (String m : messages) {
            first.add(router.route(m, ShippedCatalogue.all()));
        }
        Random shuffler = new Random(42);
        for (int round = 0; round < 5; round++) {
            List<SkillDescriptor> shuffled = new ArrayList<>(ShippedCatalogue.all());
            Collections.shuffle(shuffled, shuffler);
            DefaultRouter fresh = new DefaultRouter(new RecordingLogger());
            for (int i = 0; i < messages.size(); i++) {
                assertEquals(first.get(i), fresh.route(messages.get(i), shuffled), messages.get(i));
            }
        }
    }

    @Test
    void messagesNoSkillFitsAreUnroutedWithTheClosestSkillsNamed() {
        var joke = unrouted("tell me a joke about penguins", ShippedCatalogue.all());
        assertTrue(joke.reason().contains("no skill fits 'tell me a joke about penguins'"), joke.reason());
        assertTrue(joke.reason().contains("installed: calculator, csv, datetime, files, json, text, units"), joke.reason());

        var csvish = unrouted("compute the median of the csv file", ShippedCatalogue.all());
        assertTrue(csvish.reason().contains("closest skills: csv"), csvish.reason());

        var weather = unrouted("what's the weather like in Paris?", ShippedCatalogue.all());
        assertTrue(weather.reason().startsWith("no skill fits"), weather.reason());
    }

    @Test
    void emptyMessagesAndEmptyCataloguesAreUnroutedNotErrors() {
        assertTrue(unrouted("   ", ShippedCatalogue.all()).reason().contains("empty"));
        assertTrue(unrouted(null, ShippedCatalogue.all()).reason().contains("empty"));
        assertTrue(unrouted("what is 2+2", List.of()).reason().contains("no skills are installed"));
        assertTrue(unrouted("what is 2+2", null).reason().contains("no skills are installed"));
    }

    @Test
    void aPatternWhoseGroupIsNotASchemaPropertyIsSkippedWithAWarning() {
        var broken = skill("broken", """
                {"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}""",
                List.of(new RoutePattern("what is (?<expr>.+)", Map.of(), 100),
                        new RoutePattern("what is (?<expression>.+)", Map.of("mode", "fast"), 100),
                        new RoutePattern("compute (?<expression>.+)")));
        var r = routed("what is 2+2", List.of(broken, ShippedCatalogue.calculator()));
        assertEquals("calculator", r.skill(), "the malformed patterns must not win");
        assertTrue(log.warnings().stream().anyMatch(w -> w.contains("group 'expr' is not a property")), log.lines.toString());
        assertTrue(log.warnings().stream().anyMatch(w -> w.contains("constant 'mode' is not a property")), log.lines.toString());
        assertEquals("broken", routed("compute 1+1", List.of(broken)).skill(), "the well-formed pattern still works");
        int before = log.warnings().size();
        router.route("what is 3+3", List.of(broken, ShippedCatalogue.calculator()));
        assertEquals(before, log.warnings().size(), "the same problem is reported once, not on every message");
    }

    @Test
    void duplicateAndSchemaLessEntriesDoNotBreakRouting() {
        var noSchema = new SkillDescriptor("odd", "odd", json("\"not an object\""), List.of(),
                List.of(new RoutePattern("odd (?<x>.+)")));
        var dup = new SkillDescriptor("calculator", "impostor", json("{}"), List.of(), List.of(new RoutePattern(".*")));
        List<SkillDescriptor> catalogue = new ArrayList<>(ShippedCatalogue.all());
        catalogue.add(noSchema);
        catalogue.add(dup);
        catalogue.add(null);
        assertEquals("calculator", routed("what is 6*7", catalogue).skill());
        assertEquals(json("{\"expression\":\"6*7\"}"), routed("what is 6*7", catalogue).arguments());
        assertInstanceOf(RouteDecision.Unrouted.class, router.route("odd thing", catalogue));
        assertTrue(log.warnings().stream().anyMatch(w -> w.contains("a second skill named 'calculator'")), log.lines.toString());
    }

    @Test
    @Timeout(5)
    void aCatastrophicallyBacktrackingPatternIsAbandonedNotHung() {
        var evil = skill("evil", "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"string\"}},\"required\":[\"x\"]}",
                List.of(new RoutePattern("(?<x>(.*a){12})b")));
        var d = router.route("a".repeat(40) + "c", List.of(evil, ShippedCatalogue.calculator()));
        assertInstanceOf(RouteDecision.Unrouted.class, d);
        assertTrue(log.warnings().stream().anyMatch(w -> w.contains("too much backtracking")), log.lines.toString());
    }

    @Test
    void longAndOddMessagesNeverThrow() {
        var all = ShippedCatalogue.all();
        for (String m : List.of("x".repeat(100_000), "what is " + "(".repeat(5000), "\u0000\uFFFF?", "??", "🙂 convert 🙂",
                "what is 1e999999999 kg to g", "convert 99999999999999999999999 km to miles", "count words in:")) {
            RouteDecision d = router.route(m, all);
            assertTrue(d instanceof RouteDecision.Routed || d instanceof RouteDecision.Unrouted);
        }
    }

    @Test
    void withoutAPatternTheClosestSkillTakesTheMessageAsItsOneRequiredText() {
        var summarize = new SkillDescriptor("summarize", "Summarizes a passage of prose into one sentence.",
                json("{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"},\"words\":{\"type\":\"integer\"}},\"required\":[\"text\"]}"),
                List.of(example("summarize: the meeting moved to Tuesday because of the holiday",
                                "{\"text\":\"the meeting moved to Tuesday because of the holiday\"}"),
                        example("give me a summary of this passage", "{\"text\":\"this passage\"}")),
                List.of());
        List<SkillDescriptor> catalogue = new ArrayList<>(ShippedCatalogue.all());
        catalogue.add(summarize);
        var r = routed("please summarize the quarterly report was late and over budget", catalogue);
        assertEquals("summarize", r.skill());
        assertEquals(json("{\"text\":\"the quarterly report was late and over budget\"}"), r.arguments());
        assertTrue(r.reason().contains("closest skill") && r.reason().contains("'text'"), r.reason());
        assertTrue(r.confidence() < 0.95, "a guess is less certain than a pattern");
    }

    @Test
    void theFallbackDoesNotGuessArgumentsItCannotBuild() {
        // csv needs a file and a column; similarity alone must not invent them.
        var d = unrouted("csv column statistics please", ShippedCatalogue.all());
        assertTrue(d.reason().contains("closest skills: csv"), d.reason());
        // numbers alone are no reason to send free text to the calculator
        unrouted("flight 815 leaves at gate 23", ShippedCatalogue.all());
    }

    @Test
    void anExampleWithoutArgumentsInItsWordingRoutesThatWordingExactly() {
        var clock = new SkillDescriptor("clock", "Tells the date.",
                json("{\"type\":\"object\",\"properties\":{\"operation\":{\"type\":\"string\"}},\"required\":[\"operation\"]}"),
                List.of(example("what is the date today", "{\"operation\":\"now\"}")), List.of());
        var r = routed("What is the date  today?", List.of(clock));
        assertEquals(json("{\"operation\":\"now\"}"), r.arguments());
        unrouted("what is the date tomorrow", List.of(clock));
    }

    @Test
    void reasonsNameTheWinningPatternOrExample() {
        var byPattern = routed("convert 5 km to miles", ShippedCatalogue.all());
        assertTrue(byPattern.reason().startsWith("matched route pattern #1 of units"), byPattern.reason());
        var byExample = routed("shout happy new year", ShippedCatalogue.all());
        assertTrue(byExample.reason().contains("example 'shout good morning' of text"), byExample.reason());
    }
}
