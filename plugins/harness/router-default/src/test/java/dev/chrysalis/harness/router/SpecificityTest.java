package dev.chrysalis.harness.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpecificityTest {

    @Test
    void countsOnlyTextTheMessageMustContainLiterally() {
        assertEquals(0, Specificity.literalLength("(?<x>.+)"));
        assertEquals(0, Specificity.literalLength("[a-z]+\\s*\\d{2,4}"));
        assertEquals("convert ".length() + " to ".length(), Specificity.literalLength("convert (?<v>\\d+) to (?<u>\\w+)"));
        assertEquals(2, Specificity.literalLength("\\?\\."), "escaped metacharacters are literal");
        assertEquals(3, Specificity.literalLength("\\Qa.b\\E"));
        assertEquals("whatis".length(), Specificity.literalLength("(?:what|is)"));
    }

    @Test
    void aLongerLiteralPatternIsMoreSpecific() {
        assertTrue(Specificity.literalLength("translate (?<x>.+) please") > Specificity.literalLength("(?<x>.+) please"));
    }
}
