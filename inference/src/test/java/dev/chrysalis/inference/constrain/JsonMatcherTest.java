package dev.chrysalis.inference.constrain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMatcherTest {

    private static final JsonSchema PERSON = JsonSchema.compile("""
            {"type":"object","additionalProperties":false,
             "properties":{
               "name":{"type":"string","maxLength":8},
               "age":{"type":"integer"},
               "tags":{"type":"array","items":{"enum":["a","b\\"c"]},"minItems":1,"maxItems":2},
               "score":{"type":"number"},
               "ok":{"type":"boolean"},
               "note":{"type":["string","null"]}
             },
             "required":["name","age"]}""");

    private static void valid(JsonSchema s, String text) {
        assertTrue(JsonMatcher.accepts(s, text), "should accept " + text);
        JsonMatcher m = s.matcher();
        for (int i = 0; i < text.length(); i++) {
            m = m.feed(text.substring(i, i + 1));
            assertFalse(m.isDead(), "prefix '" + text.substring(0, i + 1) + "' of a valid document was refused");
        }
    }

    private static void invalid(JsonSchema s, String text) {
        assertFalse(JsonMatcher.accepts(s, text), "should refuse " + text);
    }

    @Test
    void objectsFollowDeclaredOrderWithOptionalPropertiesSkippable() {
        valid(PERSON, "{\"name\":\"Ann\",\"age\":41}");
        valid(PERSON, "{\"name\":\"\",\"age\":-7,\"tags\":[\"a\",\"b\\\"c\"],\"score\":0.25,\"ok\":false,\"note\":null}");
        valid(PERSON, "{\"name\":\"Bob\",\"age\":0,\"note\":\"x\"}");
        invalid(PERSON, "{\"age\":41,\"name\":\"Ann\"}");
        invalid(PERSON, "{\"name\":\"Ann\"}");
        invalid(PERSON, "{\"name\":\"Ann\",\"age\":41,\"extra\":1}");
        invalid(PERSON, "{\"name\":\"Ann\",\"age\":4.5}");
        invalid(PERSON, "{\"name\":\"Ann\",\"age\":041}");
        invalid(PERSON, "{ \"name\":\"Ann\",\"age\":41}");
        invalid(PERSON, "{\"name\":\"Ann\",\"age\":41");
    }

    @Test
    void stringLimitsEscapesAndUtf8AreEnforcedPerByte() {
        valid(PERSON, "{\"name\":\"12345678\",\"age\":1}");
        invalid(PERSON, "{\"name\":\"123456789\",\"age\":1}");
        valid(PERSON, "{\"name\":\"\u00e9\u00e9\u4e2d\uD83D\uDE00\\n\\u001f\",\"age\":1}");
        invalid(PERSON, "{\"name\":\"a\nb\",\"age\":1}");
        invalid(PERSON, "{\"name\":\"\\x\",\"age\":1}");
        invalid(PERSON, "{\"name\":\"\\ud800\",\"age\":1}");
        JsonMatcher m = PERSON.matcher().feed("{\"name\":\"");
        assertTrue(m.feed(0xC3).feed(0xA9).feed('"').feed(',').isDead() == false);
        assertTrue(m.feed(0xC3).feed('a').isDead(), "continuation byte required");
        assertTrue(m.feed(0xC0).isDead(), "overlong lead byte");
        assertTrue(m.feed(0xED).feed(0xA0).isDead(), "UTF-16 surrogate encoded in UTF-8");
        assertTrue(m.feed(0xF5).isDead());
    }

    @Test
    void arraysCountTheirItems() {
        invalid(PERSON, "{\"name\":\"A\",\"age\":1,\"tags\":[]}");
        invalid(PERSON, "{\"name\":\"A\",\"age\":1,\"tags\":[\"a\",\"a\",\"a\"]}");
        invalid(PERSON, "{\"name\":\"A\",\"age\":1,\"tags\":[\"c\"]}");
        JsonSchema free = JsonSchema.compile("{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}");
        valid(free, "[]");
        valid(free, "[1,22,333]");
        invalid(free, "[1,]");
        invalid(free, "[,1]");
    }

    @Test
    void numbersEndOnlyWhenTheNextByteBelongsToTheParentAndAreBounded() {
        JsonSchema num = JsonSchema.compile("{\"type\":\"number\"}");
        valid(num, "-0.5");
        valid(num, "123456789012345");
        invalid(num, "1234567890123456");
        invalid(num, "1.");
        invalid(num, "-");
        invalid(num, ".5");
        invalid(num, "1e5");
        JsonMatcher m = num.matcher().feed("12");
        assertTrue(m.canEnd());
        assertFalse(m.isComplete(), "a top-level number can still grow");
        assertTrue(PERSON.matcher().feed("{\"name\":\"A\",\"age\":1}").isComplete());
    }

    @Test
    void enumsConstsAnyOfAndFreeValues() {
        JsonSchema e = JsonSchema.compile("{\"enum\":[\"red\",\"green\",3,null,{\"a\":[1]}]}");
        valid(e, "\"red\"");
        valid(e, "3");
        valid(e, "null");
        valid(e, "{\"a\":[1]}");
        invalid(e, "\"blue\"");
        JsonSchema any = JsonSchema.compile("{}");
        valid(any, "{\"k\":[1,\"x\",{\"z\":null}],\"b\":true}");
        valid(any, "\"s\"");
        invalid(any, "{\"k\"}");
        JsonSchema alt = JsonSchema.compile("{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"object\",\"properties\":{\"x\":{\"const\":1}},\"required\":[\"x\"]}]}");
        valid(alt, "5");
        valid(alt, "{\"x\":1}");
        invalid(alt, "{\"x\":2}");
    }

    @Test
    void toolCallSchemaAllowsExactlyTheListedSkillsAndTheirArguments() {
        Map<String, String> skills = new LinkedHashMap<>();
        skills.put("calc", "{\"type\":\"object\",\"properties\":{\"expr\":{\"type\":\"string\",\"maxLength\":40}},\"required\":[\"expr\"]}");
        skills.put("weather", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\"}},\"required\":[\"city\"]}");
        JsonSchema tool = JsonSchema.toolCall(skills);
        valid(tool, "{\"skill\":\"calc\",\"arguments\":{\"expr\":\"1+2\"}}");
        valid(tool, "{\"skill\":\"weather\",\"arguments\":{\"city\":\"Oslo\",\"days\":3}}");
        invalid(tool, "{\"skill\":\"calc\",\"arguments\":{\"city\":\"Oslo\"}}");
        invalid(tool, "{\"skill\":\"shell\",\"arguments\":{}}");
    }

    @Test
    void unsupportedKeywordsAndBadSchemasAreRefusedWithTheirPath() {
        SchemaException pattern = assertThrows(SchemaException.class,
                () -> JsonSchema.compile("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"x\"}}}"));
        assertTrue(pattern.getMessage().contains("#/properties/a") && pattern.getMessage().contains("pattern"), pattern.getMessage());
        SchemaException req = assertThrows(SchemaException.class,
                () -> JsonSchema.compile("{\"type\":\"object\",\"properties\":{},\"required\":[\"b\"]}"));
        assertTrue(req.getMessage().contains("'b'"), req.getMessage());
        assertThrows(SchemaException.class, () -> JsonSchema.compile("{\"type\":\"strin\"}"));
        assertThrows(SchemaException.class, () -> JsonSchema.compile("{\"type\":\"array\",\"minItems\":3,\"maxItems\":1}"));
        SchemaException json = assertThrows(SchemaException.class, () -> JsonSchema.compile("{\"type\":"));
        assertTrue(json.getMessage().contains("offset"), json.getMessage());
    }
}
