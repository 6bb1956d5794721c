package dev.chrysalis.skill.datetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.spi.skill.SkillInputException;
import java.time.Duration;
import java.time.Period;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpanTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "3 weeks | P21D",
            "1 week | P7D",
            "2 days and 4 hours | P2DT4H",
            "1 year, 2 months and 5 days | P1Y2M5D",
            "1.5 hours | PT1H30M",
            "90 minutes | PT1H30M",
            "45 secs | PT45S",
            "2y 3mo 1d | P2Y3M1D",
            "10 mins + 30 s | PT10M30S",
            "P1Y2M | P1Y2M",
            "p3w | P21D",
            "PT90M | PT1H30M",
            "P1DT12H | P1DT12H",
            "-P2D | -P2D",
            "0 days | P0D",
            "PT0.5S | PT0.5S"
    })
    void readsIsoAndHumanPeriods(String text, String iso) throws SkillInputException {
        assertEquals(iso, Span.parse("period", text).iso());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "three weeks", "3 fortnights", "P", "P1X", "PT", "3", "weeks 3", "1.5 years", "2 days 4",
            "9999999999 days"})
    void refusesWhatItCannotRead(String text) {
        SkillInputException e = assertThrows(SkillInputException.class, () -> Span.parse("period", text));
        assertTrue(e.getMessage().startsWith("field 'period'"), e.getMessage());
    }

    @Test
    void negationFlipsBothParts() {
        Span s = new Span(Period.ofDays(2), Duration.ofHours(3)).negated();
        assertEquals("-P2DT3H", s.iso());
    }
}
