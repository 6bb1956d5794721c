package dev.chrysalis.skill.datetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.spi.skill.SkillInputException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MomentsAndZonesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-28T23:30:00Z"), ZoneOffset.UTC);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "2026-03-01 | 2026-03-01",
            "2026-03-01T14:30 | 2026-03-01T14:30:00",
            "2026-03-01 14:30:15 | 2026-03-01T14:30:15",
            "2026-03-01T9:05 | 2026-03-01T09:05:00",
            "2026-03-01T14:30Z | 2026-03-01T14:30:00Z",
            "2026-03-01T14:30+0530 | 2026-03-01T14:30:00+05:30",
            "2026-03-01T14:30[Europe/Paris] | 2026-03-01T14:30:00+01:00[Europe/Paris]",
            "2026-07-01 14:30 europe/paris | 2026-07-01T14:30:00+02:00[Europe/Paris]",
            "2026-03-01T14:30Z[Asia/Tokyo] | 2026-03-01T23:30:00+09:00[Asia/Tokyo]",
            "today | 2026-02-28",
            "Tomorrow | 2026-03-01",
            "yesterday | 2026-02-27",
            "now | 2026-02-28T23:30:00Z"
    })
    void readsTheFormsUsersWrite(String text, String formatted) throws SkillInputException {
        assertEquals(formatted, Moments.parse("date", text, CLOCK).format());
    }

    @Test
    void keepsThePrecisionWritten() throws SkillInputException {
        assertInstanceOf(Moment.DateOnly.class, Moments.parse("d", "2026-01-01", CLOCK));
        assertInstanceOf(Moment.Local.class, Moments.parse("d", "2026-01-01T10:00", CLOCK));
        assertInstanceOf(Moment.Zoned.class, Moments.parse("d", "2026-01-01T10:00Z", CLOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-13-01", "2026-02-29", "2026-1-1", "01/02/2026", "2026-01-01T25:00", "2026-01-01T10:00 Nowhere/City",
            "soon", "2026-01-01T10:00+25:00"})
    void refusesInvalidDatesNamingTheField(String text) {
        SkillInputException e = assertThrows(SkillInputException.class, () -> Moments.parse("start", text, CLOCK));
        assertTrue(e.getMessage().contains("'start'"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Europe/Berlin | Europe/Berlin",
            "europe/berlin | Europe/Berlin",
            "america/new_york | America/New_York",
            "New York | America/New_York",
            "tokyo | Asia/Tokyo",
            "UTC | UTC",
            "gmt | UTC",
            "UTC+2 | UTC+02:00",
            "+05:30 | +05:30",
            "-0800 | -08:00",
            "PST | America/Los_Angeles",
            "CET | CET"
    })
    void readsZones(String text, String id) throws SkillInputException {
        assertEquals(id, Zones.parse("zone", text).getId());
    }

    @Test
    void unknownZoneNamesTheFieldAndSuggestsTheForm() {
        SkillInputException e = assertThrows(SkillInputException.class, () -> Zones.parse("to", "Atlantis"));
        assertTrue(e.getMessage().startsWith("unknown time zone 'Atlantis' in 'to' (use an IANA id"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {"09:30 | 09:30", "9:30 pm | 21:30", "12:00 am | 00:00", "12:15 PM | 12:15", "23:59:59 | 23:59:59"})
    void readsTimesOfDay(String text, String time) throws SkillInputException {
        assertEquals(LocalTime.parse(time), Moments.parseTimeOfDay("time", text));
    }

    @Test
    void refusesAmPmOnATwentyFourHourTime() {
        assertThrows(SkillInputException.class, () -> Moments.parseTimeOfDay("time", "13:00 pm"));
        assertThrows(SkillInputException.class, () -> Moments.parseTimeOfDay("time", "24:30"));
    }
}
