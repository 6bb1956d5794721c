package dev.chrysalis.skill.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.spi.skill.SkillInputException;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextLogicTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "one two  three | 3",
            "well-known don't-care | 2",
            "1,000 apples cost 3.50 | 4",
            "-- ... !! | 0",
            "über straße 東京 | 3",
            "e-mail: a@b.c | 4"
    })
    void countsWords(String text, int words) {
        assertEquals(words, TextCounts.of(text).words());
    }

    @Test
    void countsLinesWithAnyLineBreak() {
        assertEquals(3, TextCounts.of("a\r\nb\rc").lines());
        assertEquals(1, TextCounts.of("\n").lines());
        assertEquals(2, TextCounts.of("\n\n").lines());
        assertEquals(3, TextCounts.of("a\n\nb").lines());
    }

    @Test
    void countsSentences() {
        assertEquals(2, TextCounts.of("Hello there. How are you?").sentences());
        assertEquals(1, TextCounts.of("The value is 3.5 today").sentences());
        assertEquals(2, TextCounts.of("\"Stop!\" she said. ").sentences());
        assertEquals(0, TextCounts.of("... !!!").sentences());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "helloWorld | hello_world | hello-world | helloWorld | HelloWorld",
            "HTTPServerError | http_server_error | http-server-error | httpServerError | HttpServerError",
            "  many   spaces here  | many_spaces_here | many-spaces-here | manySpacesHere | ManySpacesHere",
            "already_snake_case | already_snake_case | already-snake-case | alreadySnakeCase | AlreadySnakeCase",
            "kebab-case-input | kebab_case_input | kebab-case-input | kebabCaseInput | KebabCaseInput",
            "version2Update | version_2_update | version-2-update | version2Update | Version2Update",
            "Ünïcode Wörds | ünïcode_wörds | ünïcode-wörds | ünïcodeWörds | ÜnïcodeWörds"
    })
    void convertsIdentifierStyles(String text, String snake, String kebab, String camel, String pascal) {
        assertEquals(snake, CaseConversion.snake(text));
        assertEquals(kebab, CaseConversion.kebab(text));
        assertEquals(camel, CaseConversion.camel(text));
        assertEquals(pascal, CaseConversion.pascal(text));
    }

    @Test
    void titleCaseKeepsPunctuationAndLowersTheRest() {
        assertEquals("The Old Man And The Sea", CaseConversion.title("the OLD man and the sea"));
        assertEquals("O'neil's Café", CaseConversion.title("o'neil's café"));
        assertEquals("", CaseConversion.title(""));
    }

    @Test
    void splitsWordsAtHumps() {
        assertEquals(List.of("XML", "Http", "Request"), CaseConversion.words("XMLHttpRequest"));
    }

    @Test
    void slashedPatternsCarryFlags() throws SkillInputException {
        Pattern p = Regexes.compile("/abc/gi", false, false);
        assertEquals("abc", p.pattern());
        assertTrue((p.flags() & Pattern.CASE_INSENSITIVE) != 0);
        assertEquals("/abc/", Regexes.compile("/abc/", false, true).pattern());
    }

    @Test
    void invalidPatternsNameTheProblemAndPosition() {
        var e = assertThrows(SkillInputException.class, () -> Regexes.compile("[a-", false, false));
        assertTrue(e.getMessage().startsWith("invalid pattern '[a-': "), e.getMessage());
        var e2 = assertThrows(SkillInputException.class, () -> Regexes.compile("x{2,1}", false, false));
        assertTrue(e2.getMessage().contains("position"), e2.getMessage());
        assertThrows(SkillInputException.class, () -> Regexes.compile("", false, false));
        assertThrows(SkillInputException.class, () -> Regexes.compile("a".repeat(1001), false, false));
    }

    @Test
    void boundedTextStopsRunawayBacktracking() {
        Pattern p = Pattern.compile("(x+x+)+y");
        BoundedText text = new BoundedText("x".repeat(5000), 1_000_000);
        assertThrows(BoundedText.BudgetExceeded.class, () -> p.matcher(text).find());
        assertTrue(Pattern.compile("x+").matcher(new BoundedText("x".repeat(5000), 1_000_000)).find());
    }
}
