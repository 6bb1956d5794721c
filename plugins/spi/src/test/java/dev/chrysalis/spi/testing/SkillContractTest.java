package dev.chrysalis.spi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import dev.chrysalis.spi.replay.ReplayOutcome;
import dev.chrysalis.spi.replay.ReplayRunner;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillExample;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every shipped skill promises: its replay cases pass, its examples are reproduced by its route
 * patterns, its patterns leave other skills' messages alone, and the bundle declares it as a DS component.
 * A skill module's test extends this and names its skill (shipped in the SPI's test jar).
 */
public abstract class SkillContractTest {
    /** Typical messages for each shipped skill; a skill's patterns must take its own and none of the others'. */
    public static final Map<String, List<String>> MESSAGES = Map.of(
            "calculator", List.of("what is 2+3*4", "17 * 23", "calculate (12.5 - 2) / 3", "what's sqrt(2) * 10"),
            "units", List.of("convert 5 km to miles", "what is 100 fahrenheit in celsius", "60 mph in km/h",
                    "how many ounces in 3 pounds", "convert 1500 MB to GiB"),
            "datetime", List.of("how many days between 2024-01-01 and 2024-03-01", "what weekday is 2026-12-25",
                    "add 3 weeks to 2024-03-01", "what time is it in Asia/Tokyo",
                    "convert 2026-03-01 09:00 from America/New_York to Europe/Berlin", "2 days before 2026-05-10"),
            "text", List.of("uppercase hello world", "count words in the quick brown fox", "snake case Hello World",
                    "replace cat with dog in: the cat sat", "find /\\d+/ in order 66 shipped 12"),
            "json", List.of("query $.items[0].name in data.json", "get $.a.b from {\"a\":{\"b\":1}}",
                    "query $..price in store.json"),
            "csv", List.of("stats for sales.csv", "mean of price in sales.csv", "statistics of column age in people.csv"),
            "files", List.of("find files *.md", "read notes.txt", "find files named **/*.java", "show lines 3-10 of notes.txt"));

    private final Skill skill = newSkill();

    /** A fresh instance of the skill under test. */
    protected abstract Skill newSkill();

    @TempDir
    Path scratch;

    @Test
    public void everyReplayCasePasses() throws IOException {
        List<ReplayCase> cases = ReplayCases.parse(Files.readString(Path.of("replay.jsonl")), skill.name(), "replay.jsonl");
        assertTrue(cases.size() >= 12, "at least 12 replay cases, found " + cases.size());
        assertTrue(cases.stream().anyMatch(c -> c.expectedError().isPresent()), "some replay cases expect an error");
        List<String> failures = new ReplayRunner(scratch).run(skill, cases).stream()
                .filter(o -> !o.passed()).map(SkillContractTest::describe).toList();
        assertEquals(List.of(), failures);
    }

    private static String describe(ReplayOutcome o) {
        return switch (o) {
            case ReplayOutcome.Mismatch m -> m.replayCase().id() + ": " + m.diff();
            case ReplayOutcome.WrongError w -> w.replayCase().id() + ": " + w.detail();
            case ReplayOutcome.Passed p -> p.replayCase().id();
        };
    }

    @Test
    public void everyExampleIsReproducedByARoutePattern() {
        assertFalse(skill.examples().isEmpty(), "the skill declares examples");
        for (SkillExample example : skill.examples()) {
            List<String> attempts = new ArrayList<>();
            boolean reproduced = false;
            for (RoutePattern p : skill.routePatterns()) {
                Optional<ObjectNode> args = arguments(p, example.utterance());
                args.ifPresent(a -> attempts.add(p.regex() + " -> " + a));
                if (args.isPresent() && sameArguments(example.arguments(), args.get())) {
                    reproduced = true;
                    break;
                }
            }
            assertTrue(reproduced, "example '" + example.utterance() + "' " + example.arguments()
                    + " is not reproduced by any route pattern; matches: " + attempts);
        }
    }

    @Test
    public void everyRoutePatternMatchesSomeExampleOrOwnMessage() {
        List<String> own = new ArrayList<>(MESSAGES.get(skill.name()));
        skill.examples().forEach(e -> own.add(e.utterance()));
        for (RoutePattern p : skill.routePatterns()) {
            assertTrue(own.stream().anyMatch(m -> arguments(p, m).isPresent()),
                    "route pattern /" + p.regex() + "/ matches none of " + own);
        }
    }

    @Test
    public void routePatternsTakeTheSkillsOwnMessagesAndNoneOfTheOthers() {
        for (var entry : MESSAGES.entrySet()) {
            for (String message : entry.getValue()) {
                boolean matched = skill.routePatterns().stream().anyMatch(p -> arguments(p, message).isPresent());
                if (entry.getKey().equals(skill.name())) {
                    assertTrue(matched, "own message '" + message + "' is not matched");
                } else {
                    assertFalse(matched, entry.getKey() + " message '" + message + "' is matched by " + skill.name());
                }
            }
        }
    }

    @Test
    public void routePatternGroupsAndConstantsNameInputProperties() {
        JsonNode properties = skill.inputSchema().get("properties");
        for (RoutePattern p : skill.routePatterns()) {
            for (String group : p.compiled().namedGroups().keySet()) {
                assertTrue(properties.has(group), "group '" + group + "' of /" + p.regex() + "/ is not an input property");
            }
            for (String constant : p.constants().keySet()) {
                assertTrue(properties.has(constant), "constant '" + constant + "' is not an input property");
            }
        }
    }

    /** The arguments a pattern yields for a whole message, as the default router reads them (before typing). */
    public static Optional<ObjectNode> arguments(RoutePattern p, String message) {
        Matcher m = p.compiled().matcher(message.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        p.constants().forEach(args::put);
        for (String group : m.namedGroups().keySet()) {
            String v = m.group(group);
            if (v != null && !v.isBlank()) {
                args.put(group, v.strip());
            }
        }
        return Optional.of(args);
    }

    private static boolean sameArguments(JsonNode expected, ObjectNode actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (var field : expected.properties()) {
            JsonNode a = actual.get(field.getKey());
            if (a == null) {
                return false;
            }
            JsonNode e = field.getValue();
            if (e.isNumber()) {
                try {
                    if (e.decimalValue().compareTo(new BigDecimal(a.asText().replace(",", ""))) != 0) {
                        return false;
                    }
                } catch (NumberFormatException ex) {
                    return false;
                }
            } else if (!e.asText().equals(a.asText())) {
                return false;
            }
        }
        return true;
    }

    @Test
    public void bundleDeclaresTheSkillAsADsComponentAndShipsItsDocuments() throws IOException, URISyntaxException {
        Path classes = Path.of(skill.getClass().getProtectionDomain().getCodeSource().getLocation().toURI());
        Path component = classes.resolve("OSGI-INF/" + skill.getClass().getName() + ".xml");
        assertTrue(Files.exists(component), "bnd wrote the DS component descriptor " + component);
        String xml = Files.readString(component);
        assertTrue(xml.contains("interface=\"dev.chrysalis.spi.skill.Skill\""), xml);
        assertTrue(xml.contains("class=\"" + skill.getClass().getName() + "\""), xml);
        Manifest manifest;
        try (InputStream in = Files.newInputStream(classes.resolve("META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        var main = manifest.getMainAttributes();
        assertEquals("dev.chrysalis.skill.skill-" + skill.name(), main.getValue("Bundle-SymbolicName"));
        assertTrue(main.getValue("Service-Component").contains("OSGI-INF/" + skill.getClass().getName() + ".xml"),
                main.getValue("Service-Component"));
        assertEquals("skill", main.getValue("Chrysalis-Plugin-Kind"));
        assertTrue(Files.exists(classes.resolve("replay.jsonl")), "replay.jsonl is packed into the bundle");
        String skillMd = Files.readString(classes.resolve("SKILL.md"));
        assertTrue(skillMd.startsWith("---\n"), "SKILL.md starts with YAML front matter");
        int end = skillMd.indexOf("\n---\n", 4);
        assertTrue(end > 0, "front matter is closed");
        String front = skillMd.substring(4, end);
        assertTrue(front.contains("name: " + skill.name() + "\n"), front);
        assertTrue(front.contains("description: "), front);
    }
}
