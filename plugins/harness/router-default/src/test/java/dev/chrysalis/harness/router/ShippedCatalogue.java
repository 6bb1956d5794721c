package dev.chrysalis.harness.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillExample;
import java.util.List;
import java.util.Map;

/**
 * A hand-built catalogue in the style of the seven shipped skills (calculator, units, datetime, text, json,
 * csv, files): schemas, route patterns and example phrasings like theirs, but frozen here, so the router's own
 * behaviour stays tested while evolution rewrites the real skills ({@link ShippedSkillsRoutingTest} covers those).
 */
final class ShippedCatalogue {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShippedCatalogue() {
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad JSON in test: " + text, e);
        }
    }

    static SkillExample example(String utterance, String arguments) {
        return new SkillExample(utterance, json(arguments));
    }

    static List<SkillDescriptor> all() {
        return List.of(calculator(), units(), datetime(), text(), jsonSkill(), csv(), files());
    }

    static SkillDescriptor calculator() {
        return new SkillDescriptor("calculator",
                "Evaluates arithmetic expressions with precedence, parentheses, functions and exact decimals.",
                json("""
                        {"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}"""),
                List.of(example("what is 2+3*4", "{\"expression\":\"2+3*4\"}"),
                        example("calculate (1.5 + 2) * 4", "{\"expression\":\"(1.5 + 2) * 4\"}"),
                        example("evaluate sqrt(16) + 2^3", "{\"expression\":\"sqrt(16) + 2^3\"}")),
                List.of(new RoutePattern("(?:what is|what's|calculate|compute|evaluate|calc)\\s+(?<expression>[-+*/^%().,\\d\\s]*\\d[-+*/^%().,\\d\\s]*|.*\\b(?:sqrt|sin|cos|tan|log|ln|abs|round|floor|ceil)\\(.*)"),
                        new RoutePattern("(?<expression>[-+(]*\\d[-+*/^%().,\\d\\s]*)", Map.of(), -1)));
    }

    static SkillDescriptor units() {
        return new SkillDescriptor("units",
                "Converts quantities between units of length, mass, temperature, volume, data size and speed.",
                json("""
                        {"type":"object","properties":{"value":{"type":"number"},"from":{"type":"string"},"to":{"type":"string"}},
                         "required":["value","from","to"]}"""),
                List.of(example("convert 5 km to miles", "{\"value\":5,\"from\":\"km\",\"to\":\"miles\"}"),
                        example("how many ounces in 2 pounds", "{\"value\":2,\"from\":\"pounds\",\"to\":\"ounces\"}"),
                        example("100 fahrenheit in celsius", "{\"value\":100,\"from\":\"fahrenheit\",\"to\":\"celsius\"}")),
                List.of(new RoutePattern("(?:(?:what is|what's|convert)\\s+)?(?<value>[-+]?\\d[\\d,]*(?:\\.\\d+)?)\\s*(?<from>[a-z°/ ]+?)\\s+(?:to|in|into|as)\\s+(?<to>[a-z°/ ]+)", Map.of(), 10),
                        new RoutePattern("how many (?<to>[a-z ]+?) (?:are )?(?:in|per) (?<value>[-+]?\\d[\\d,]*(?:\\.\\d+)?)\\s*(?<from>[a-z ]+)", Map.of(), 10),
                        new RoutePattern("how many (?<to>[a-z ]+?) (?:are )?(?:in|per) (?:a|an|one) (?<from>[a-z ]+)", Map.of("value", "1"), 10)));
    }

    static SkillDescriptor datetime() {
        String date = "\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2})?)?";
        return new SkillDescriptor("datetime",
                "Date and time arithmetic: differences, adding or subtracting periods, weekdays and time zones.",
                json("""
                        {"type":"object","properties":{
                           "operation":{"type":"string","enum":["difference","add","subtract","weekday","now"]},
                           "date":{"type":"string"},"other":{"type":"string"},
                           "amount":{"type":"integer"},"unit":{"type":"string"},"zone":{"type":"string"}},
                         "required":["operation"]}"""),
                List.of(example("what day of the week is 2026-03-01", "{\"operation\":\"weekday\",\"date\":\"2026-03-01\"}"),
                        example("days between 2026-01-01 and 2026-12-25", "{\"operation\":\"difference\",\"date\":\"2026-01-01\",\"other\":\"2026-12-25\"}"),
                        example("add 90 days to 2026-01-31", "{\"operation\":\"add\",\"amount\":90,\"unit\":\"days\",\"date\":\"2026-01-31\"}"),
                        example("what time is it in Asia/Tokyo", "{\"operation\":\"now\",\"zone\":\"Asia/Tokyo\"}")),
                List.of(new RoutePattern("(?:what|which) (?:day of the week|weekday|day) (?:is|was|will be) (?<date>" + date + ")", Map.of("operation", "weekday"), 5),
                        new RoutePattern("(?:how many )?(?:days|weeks|time) (?:are there )?between (?<date>" + date + ") and (?<other>" + date + ")", Map.of("operation", "difference"), 5),
                        new RoutePattern("add (?<amount>\\d+) (?<unit>(?:second|minute|hour|day|week|month|year)s?) to (?<date>" + date + ")", Map.of("operation", "add"), 5),
                        new RoutePattern("(?:subtract )?(?<amount>\\d+) (?<unit>(?:second|minute|hour|day|week|month|year)s?) (?:before|from) (?<date>" + date + ")", Map.of("operation", "subtract"), 5),
                        new RoutePattern("(?:what time is it|what's the time|current time|time now)(?: in (?<zone>[A-Za-z_]+(?:/[A-Za-z_]+)*))?", Map.of("operation", "now"), 5)));
    }

    static SkillDescriptor text() {
        return new SkillDescriptor("text",
                "Text utilities: count words, characters or lines, find and replace with regular expressions, change case.",
                json("""
                        {"type":"object","properties":{
                           "operation":{"type":"string","enum":["count","upper","lower","title","find","replace"]},
                           "text":{"type":"string"},"pattern":{"type":"string"},"replacement":{"type":"string"}},
                         "required":["operation","text"]}"""),
                List.of(example("count the words in: the quick brown fox", "{\"operation\":\"count\",\"text\":\"the quick brown fox\"}"),
                        example("uppercase hello world", "{\"operation\":\"upper\",\"text\":\"hello world\"}"),
                        example("shout good morning", "{\"operation\":\"upper\",\"text\":\"good morning\"}"),
                        example("replace cat with dog in: the cat sat", "{\"operation\":\"replace\",\"pattern\":\"cat\",\"replacement\":\"dog\",\"text\":\"the cat sat\"}")),
                List.of(new RoutePattern("count (?:the )?(?:words|characters|chars|letters|lines)(?: in)?\\s*:?\\s*(?<text>.+)", Map.of("operation", "count"), 3),
                        new RoutePattern("(?:uppercase|upper-case|upper case|capitalize all)\\s*:?\\s*(?<text>.+)", Map.of("operation", "upper"), 3),
                        new RoutePattern("(?:lowercase|lower-case|lower case)\\s*:?\\s*(?<text>.+)", Map.of("operation", "lower"), 3),
                        new RoutePattern("(?:title ?case)\\s*:?\\s*(?<text>.+)", Map.of("operation", "title"), 3),
                        new RoutePattern("replace (?<pattern>\\S+) with (?<replacement>\\S+) in\\s*:?\\s*(?<text>.+)", Map.of("operation", "replace"), 3),
                        new RoutePattern("find /(?<pattern>[^/]+)/ in\\s*:?\\s*(?<text>.+)", Map.of("operation", "find"), 3)));
    }

    static SkillDescriptor jsonSkill() {
        return new SkillDescriptor("json",
                "Queries a JSON document with a path expression such as $.items[0].name.",
                json("""
                        {"type":"object","properties":{"path":{"type":"string"},"document":{"type":"string"}},
                         "required":["path","document"]}"""),
                List.of(example("get $.a.b from {\"a\":{\"b\":1}}", "{\"path\":\"$.a.b\",\"document\":\"{\\\"a\\\":{\\\"b\\\":1}}\"}"),
                        example("in {\"x\":[1,2]} what is at $.x[1]", "{\"path\":\"$.x[1]\",\"document\":\"{\\\"x\\\":[1,2]}\"}")),
                List.of(new RoutePattern("(?:get|query|extract|select)\\s+(?<path>\\$\\S*)\\s+(?:from|in)\\s+(?<document>[\\[{].*)", Map.of(), 4)));
    }

    static SkillDescriptor csv() {
        return new SkillDescriptor("csv",
                "Column statistics (count, sum, mean, min, max, median) of a CSV file in the workspace.",
                json("""
                        {"type":"object","properties":{
                           "file":{"type":"string"},"column":{"type":"string"},
                           "statistic":{"type":"string","enum":["count","sum","mean","min","max","median","summary"]}},
                         "required":["file","column"]}"""),
                List.of(example("mean of price in sales.csv", "{\"statistic\":\"mean\",\"column\":\"price\",\"file\":\"sales.csv\"}"),
                        example("summarize column age of people.csv", "{\"statistic\":\"summary\",\"column\":\"age\",\"file\":\"people.csv\"}")),
                List.of(new RoutePattern("(?:what is |what's )?(?:the )?(?<statistic>count|sum|mean|min|max|median) (?:of )?(?:the )?(?:column )?(?<column>[\\w-]+)(?: column)? (?:in|of|from) (?<file>[\\w./-]+\\.csv)", Map.of(), 6),
                        new RoutePattern("(?:what is |what's )?(?:the )?average (?:of )?(?:the )?(?:column )?(?<column>[\\w-]+)(?: column)? (?:in|of|from) (?<file>[\\w./-]+\\.csv)", Map.of("statistic", "mean"), 6),
                        new RoutePattern("(?:stats|statistics|summary) (?:for|of) (?:column )?(?<column>[\\w-]+) (?:in|of) (?<file>[\\w./-]+\\.csv)", Map.of("statistic", "summary"), 6)));
    }

    static SkillDescriptor files() {
        return new SkillDescriptor("files",
                "Finds and reads files inside the workspace only.",
                json("""
                        {"type":"object","properties":{
                           "operation":{"type":"string","enum":["find","read","list"]},
                           "path":{"type":"string"},"pattern":{"type":"string"}},
                         "required":["operation"]}"""),
                List.of(example("read notes.txt", "{\"operation\":\"read\",\"path\":\"notes.txt\"}"),
                        example("find files named *.md", "{\"operation\":\"find\",\"pattern\":\"*.md\"}"),
                        example("list the files in docs", "{\"operation\":\"list\",\"path\":\"docs\"}")),
                List.of(new RoutePattern("(?:read|show|cat|open|print)(?: me)? (?:the )?(?:file |contents of )?(?<path>[\\w./-]+\\.[\\w]+|[\\w-]+/[\\w./-]+)", Map.of("operation", "read"), 2),
                        new RoutePattern("(?:find|search for|locate) (?:all )?(?:the )?files? (?:named |matching |called )?(?<pattern>\\S+)", Map.of("operation", "find"), 2),
                        new RoutePattern("(?:list|ls)(?: the)?(?: files)?(?: in (?<path>[\\w./-]+))?", Map.of("operation", "list"), 2)));
    }
}
