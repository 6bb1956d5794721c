package dev.chrysalis.skill.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOC = """
            {"a": [0, 1, 2, 3, 4, 5],
             "o": {"x": 1, "y": {"x": 2}, "z": [{"x": 3}]},
             "people": [{"name": "Ann", "age": 31, "active": true, "tags": ["x"]},
                        {"name": "Bob", "age": 17, "active": false},
                        {"name": "Cy", "age": 45, "manager": {"name": "Ann"}},
                        {"name": "Di", "age": null}],
             "odd keys": {"it's": 1, "a.b": 2},
             "limit": 30}
            """;

    private static String values(String path) throws Exception {
        JsonNode doc = JSON.readTree(DOC);
        List<JsonPath.Match> matches = JsonPath.parse(path).evaluate(doc, 100);
        return String.join(" ", matches.stream().map(m -> m.value().toString()).toList());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " -> ", quoteCharacter = '`', value = {
            "$.a[0] -> 0",
            "$.a[-1] -> 5",
            "$.a[-7] -> ``",
            "$.a[6] -> ``",
            "$.a[1:3] -> 1 2",
            "$.a[:2] -> 0 1",
            "$.a[-2:] -> 4 5",
            "$.a[::2] -> 0 2 4",
            "$.a[::-2] -> 5 3 1",
            "$.a[4:1:-1] -> 4 3 2",
            "$.a[10:20] -> ``",
            "$.a[0,2,-1] -> 0 2 5",
            "$.o..x -> 1 2 3",
            "$..z[0].x -> 3",
            "$.o.* -> 1 {\"x\":2} [{\"x\":3}]",
            "$['odd keys']['it\\'s'] -> 1",
            "$[\"odd keys\"][\"a.b\"] -> 2",
            "$.people[?(@.age > 30)].name -> \"Ann\" \"Cy\"",
            "$.people[?(@.age <= 17 || @.name == 'Di')].name -> \"Bob\" \"Di\"",
            "$.people[?(@.active)].name -> \"Ann\"",
            "$.people[?(!@.active)].name -> \"Bob\" \"Cy\" \"Di\"",
            "$.people[?(@.age == null)].name -> \"Di\"",
            "$.people[?(@.manager.name == 'Ann')].name -> \"Cy\"",
            "$.people[?(@.tags[0] == 'x')].name -> \"Ann\"",
            "$.people[?(@.age < $.limit)].name -> \"Bob\"",
            "$.people[?(@.name >= 'C' && (@.age > 40 || @.age == null))].name -> \"Cy\" \"Di\"",
            "$.people[?(@.missing != 1)].name -> \"Ann\" \"Bob\" \"Cy\" \"Di\"",
            "$.people[?(@.name < 5)].name -> ``",
            "$.people[?@.age > 40].name -> \"Cy\"",
            "$.o[?(@.x == 2)] -> {\"x\":2}",
            "$.a.b -> ``",
            "$.limit[0] -> ``"
    })
    void evaluates(String path, String expected) throws Exception {
        assertEquals(expected, values(path));
    }

    @Test
    void normalizedPathsNameEachMatch() throws Exception {
        JsonNode doc = JSON.readTree(DOC);
        List<String> paths = JsonPath.parse("$..[?(@.x)]").evaluate(doc, 100).stream().map(JsonPath.Match::path).toList();
        assertEquals(List.of("$['o']", "$['o']['y']", "$['o']['z'][0]"), paths);
        assertEquals("$['odd keys']['it\\'s']",
                JsonPath.parse("$['odd keys'][\"it's\"]").evaluate(doc, 10).getFirst().path());
    }

    @Test
    void stopsAtTheLimit() throws Exception {
        JsonNode doc = JSON.readTree("[" + "1,".repeat(500) + "1]");
        assertEquals(10, JsonPath.parse("$[*]").evaluate(doc, 10).size());
        assertEquals(10, JsonPath.parse("$..*").evaluate(doc, 10).size());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " -> ", quoteCharacter = '`', value = {
            "`` -> the path is empty",
            "a.b -> expected '$' (the document root) at the start at position 1",
            "$. -> expected a member name after '.' (end of path) at position 3",
            "$.a[ -> expected a name, index, slice, '*' or filter inside '[' (end of path) at position 5",
            "$.a[0 -> missing ']' to close '[' at position 4",
            "$.a[0}] -> expected ']' to close '[' at position 4, got '}' at position 6",
            "$.a['x] -> unterminated string starting with ' at position 5",
            "$.a[::0] -> a slice step cannot be 0 at position 7",
            "$.a[99999999999] -> index 99999999999 is out of range at position 5",
            "$.a[?(@.x = 1)] -> use '==' to compare for equality at position 11",
            "$.a[?(@.x == )] -> unexpected ')' in the filter",
            "$.a[?(@.x > 1] -> expected ')' to close the filter '?('",
            "$.a[?(1)] -> expected a comparison operator",
            "$.a[?(@.* == 1)] -> wildcards are not supported inside a filter",
            "$.a[?(@..x)] -> '..' is not supported inside a filter",
            "$ a -> unexpected 'a'; expected '.', '..' or '[' at position 3",
            "$.a[#] -> unexpected '#' inside '['"
    })
    void malformedPathsNameThePosition(String path, String message) {
        JsonPathException e = assertThrows(JsonPathException.class, () -> JsonPath.parse(path));
        assertTrue(e.getMessage().contains(message), () -> path + ": " + e.getMessage());
    }

    @Test
    void deeplyNestedFiltersAreRefused() {
        String path = "$[?(" + "(".repeat(200) + "@.a" + ")".repeat(200) + ")]";
        assertThrows(JsonPathException.class, () -> JsonPath.parse(path));
        String nots = "$[?(" + "!".repeat(200) + "@.a)]";
        assertThrows(JsonPathException.class, () -> JsonPath.parse(nots));
    }
}
