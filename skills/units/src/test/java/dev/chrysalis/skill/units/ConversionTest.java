package dev.chrysalis.skill.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConversionTest {
    private final UnitCatalogue catalogue = new UnitCatalogue();

    private Conversion convert(String value, String from, String to) {
        return Conversion.of(new BigDecimal(value), catalogue.find(from).orElseThrow(), catalogue.find(to).orElseThrow());
    }

    @ParameterizedTest(name = "{0} {1} = {3} {2}")
    @CsvSource({
            "1, km, m, 1000",
            "1, in, mm, 25.4",
            "3, ft, yd, 1",
            "1, nmi, m, 1852",
            "1, kg, g, 1000",
            "1, t, kg, 1000",
            "14, lb, st, 1",
            "16, oz, lb, 1",
            "100, °C, °F, 212",
            "212, fahrenheit, kelvin, 373.15",
            "0, K, °C, -273.15",
            "491.67, rankine, °F, 32",
            "1, L, mL, 1000",
            "1, m3, L, 1000",
            "3, tsp, tbsp, 1",
            "2, cup, pint, 1",
            "4, quart, gallon, 1",
            "1, kB, B, 1000",
            "1, KiB, B, 1024",
            "1, TiB, GiB, 1024",
            "1, TB, GB, 1000",
            "1, byte, bit, 8",
            "8, Mb, MB, 1",
            "1, GB, Mbit, 8000",
            "36, km/h, m/s, 10",
            "1, mph, ft/s, 1.46666666666667",
            "3600, m/s, km/h, 12960",
    })
    void convertsWithinADimension(String value, String from, String to, String expected) {
        assertEquals(0, new BigDecimal(expected).compareTo(convert(value, from, to).result()),
                () -> value + " " + from + " -> " + to + " gave " + convert(value, from, to).result());
    }

    @Test
    void roundTripsAreExactWhereTheFactorsAre() {
        Conversion there = convert("123.456", "mi", "km");
        assertTrue(there.exact());
        Conversion back = Conversion.of(there.result(), catalogue.find("km").orElseThrow(), catalogue.find("mi").orElseThrow());
        assertEquals(0, new BigDecimal("123.456").compareTo(back.result()));
    }

    @Test
    void nonTerminatingResultsAreMarkedInexact() {
        Conversion c = convert("1", "m", "ft");
        assertFalse(c.exact());
        assertEquals("3.28083989501312", c.shown());
    }

    @Test
    void differentDimensionsNameBothUnits() {
        var e = assertThrows(IllegalArgumentException.class, () -> convert("1", "GiB", "mph"));
        assertEquals("cannot convert GiB (data size) to mph (speed): they measure different things", e.getMessage());
    }

    @Test
    void belowAbsoluteZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> convert("-1", "K", "°C"));
        assertThrows(IllegalArgumentException.class, () -> convert("-460", "°F", "°C"));
        assertEquals(0, new BigDecimal("-459.67").compareTo(convert("0", "K", "°F").result()));
    }

    @ParameterizedTest
    @CsvSource({"kilometres, km", "Kilometers, km", "miles, mi", "MILES, mi", "feet, ft", "inches, in", "°F, °F",
            "degrees fahrenheit, °F", "Degrees Celsius, °C", "℃, °C", "celsius, °C", "kelvin, K", "pounds, lb",
            "lbs, lb", "ounces, oz", "grams, g", "kilos, kg", "litres, L", "liters, L", "gallons, gal",
            "fluid ounces, fl oz", "MB, MB", "mb, MB", "Mb, Mbit", "megabits, Mbit", "GiB, GiB", "gib, GiB",
            "bits, bit", "b, bit", "B, B", "bytes, B", "kph, km/h", "km/h, km/h", "miles per hour, mph",
            "Miles Per Hour, mph", "knots, kn", "m/s, m/s", "tonnes, t", "stone, st", "micron, µm", "NM, nmi", "nm, nm"})
    void readsCommonSpellings(String spelling, String symbol) {
        assertEquals(symbol, catalogue.find(spelling).map(Unit::symbol).orElse("none"), spelling);
    }

    @Test
    void unknownSpellingsAreNotGuessed() {
        assertTrue(catalogue.find("furlong").isEmpty());
        assertTrue(catalogue.find("").isEmpty());
        assertTrue(catalogue.find("km to").isEmpty());
    }

    @Test
    void everySymbolAndNameResolvesToItsOwnUnit() {
        for (Unit u : catalogue.units()) {
            assertEquals(u, catalogue.find(u.symbol()).orElseThrow(), u.symbol());
            assertEquals(u.dimension(), catalogue.find(u.name()).orElseThrow().dimension(), u.name());
        }
    }
}
