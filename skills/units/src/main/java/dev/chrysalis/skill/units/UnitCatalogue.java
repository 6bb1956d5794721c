package dev.chrysalis.skill.units;

import static dev.chrysalis.skill.units.Dimension.DATA;
import static dev.chrysalis.skill.units.Dimension.LENGTH;
import static dev.chrysalis.skill.units.Dimension.MASS;
import static dev.chrysalis.skill.units.Dimension.SPEED;
import static dev.chrysalis.skill.units.Dimension.TEMPERATURE;
import static dev.chrysalis.skill.units.Dimension.VOLUME;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The known units and their spellings. A spelling is looked up as written first (so {@code MB} is a
 * megabyte and {@code Mb} a megabit), then ignoring case, then without a plural "s".
 */
final class UnitCatalogue {
    private final List<Unit> units = new ArrayList<>();
    private final Map<String, Unit> exact = new LinkedHashMap<>();
    private final Map<String, Unit> folded = new LinkedHashMap<>();

    UnitCatalogue() {
        // length (base: metre)
        add(Unit.linear("nm", "nanometre", LENGTH, "0.000000001"), "nanometre", "nanometer");
        add(Unit.linear("µm", "micrometre", LENGTH, "0.000001"), "um", "μm", "micrometre", "micrometer", "micron");
        add(Unit.linear("mm", "millimetre", LENGTH, "0.001"), "millimetre", "millimeter");
        add(Unit.linear("cm", "centimetre", LENGTH, "0.01"), "centimetre", "centimeter");
        add(Unit.linear("m", "metre", LENGTH, "1"), "metre", "meter");
        add(Unit.linear("km", "kilometre", LENGTH, "1000"), "kilometre", "kilometer", "kms", "klick");
        add(Unit.linear("in", "inch", LENGTH, "0.0254"), "inch", "inches", "\"", "″");
        add(Unit.linear("ft", "foot", LENGTH, "0.3048"), "foot", "feet", "'", "′");
        add(Unit.linear("yd", "yard", LENGTH, "0.9144"), "yard", "yds");
        add(Unit.linear("mi", "mile", LENGTH, "1609.344"), "mile", "statute mile");
        add(Unit.linear("nmi", "nautical mile", LENGTH, "1852"), "nautical mile", "NM");
        // mass (base: kilogram)
        add(Unit.linear("mg", "milligram", MASS, "0.000001"), "milligram", "milligramme");
        add(Unit.linear("g", "gram", MASS, "0.001"), "gram", "gramme");
        add(Unit.linear("kg", "kilogram", MASS, "1"), "kilogram", "kilogramme", "kilo", "kgs");
        add(Unit.linear("t", "tonne", MASS, "1000"), "tonne", "metric ton", "metric tonne");
        add(Unit.linear("oz", "ounce", MASS, "0.028349523125"), "ounce");
        add(Unit.linear("lb", "pound", MASS, "0.45359237"), "pound", "lbs");
        add(Unit.linear("st", "stone", MASS, "6.35029318"), "stone");
        // temperature (base: kelvin)
        add(new Unit("°C", "degree Celsius", TEMPERATURE, BigDecimal.ONE, BigDecimal.ONE, new BigDecimal("273.15")),
                "C", "celsius", "centigrade", "degC", "ºC", "℃");
        add(new Unit("°F", "degree Fahrenheit", TEMPERATURE, new BigDecimal("5"), new BigDecimal("9"), new BigDecimal("459.67")),
                "F", "fahrenheit", "degF", "ºF", "℉");
        add(new Unit("K", "kelvin", TEMPERATURE, BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ZERO), "kelvin", "kelvins", "°K");
        add(new Unit("°R", "degree Rankine", TEMPERATURE, new BigDecimal("5"), new BigDecimal("9"), BigDecimal.ZERO),
                "R", "rankine", "degR");
        // volume (base: litre); cup, pint, quart, gallon are US customary unless "imperial"
        add(Unit.linear("mL", "millilitre", VOLUME, "0.001"), "ml", "millilitre", "milliliter", "cc", "cm3", "cm³", "cubic centimetre", "cubic centimeter");
        add(Unit.linear("cL", "centilitre", VOLUME, "0.01"), "cl", "centilitre", "centiliter");
        add(Unit.linear("dL", "decilitre", VOLUME, "0.1"), "dl", "decilitre", "deciliter");
        add(Unit.linear("L", "litre", VOLUME, "1"), "l", "litre", "liter", "ltr");
        add(Unit.linear("m³", "cubic metre", VOLUME, "1000"), "m3", "cubic metre", "cubic meter");
        add(Unit.linear("tsp", "teaspoon", VOLUME, "0.00492892159375"), "teaspoon");
        add(Unit.linear("tbsp", "tablespoon", VOLUME, "0.01478676478125"), "tablespoon");
        add(Unit.linear("fl oz", "US fluid ounce", VOLUME, "0.0295735295625"), "floz", "fl. oz", "fluid ounce", "fluid oz");
        add(Unit.linear("cup", "US cup", VOLUME, "0.2365882365"), "cups", "us cup");
        add(Unit.linear("pt", "US pint", VOLUME, "0.473176473"), "pint", "us pint");
        add(Unit.linear("qt", "US quart", VOLUME, "0.946352946"), "quart", "us quart");
        add(Unit.linear("gal", "US gallon", VOLUME, "3.785411784"), "gallon", "us gallon", "gals");
        add(Unit.linear("imp pt", "imperial pint", VOLUME, "0.56826125"), "imperial pint", "uk pint");
        add(Unit.linear("imp gal", "imperial gallon", VOLUME, "4.54609"), "imperial gallon", "uk gallon");
        // data size (base: bit); decimal prefixes are powers of 1000, binary (Ki, Mi, ...) of 1024
        add(Unit.linear("bit", "bit", DATA, "1"), "b", "bits");
        add(Unit.linear("B", "byte", DATA, "8"), "byte", "bytes", "octet");
        add(Unit.linear("kB", "kilobyte", DATA, "8000"), "KB", "kilobyte");
        add(Unit.linear("MB", "megabyte", DATA, "8000000"), "megabyte");
        add(Unit.linear("GB", "gigabyte", DATA, "8000000000"), "gigabyte");
        add(Unit.linear("TB", "terabyte", DATA, "8000000000000"), "terabyte");
        add(Unit.linear("PB", "petabyte", DATA, "8000000000000000"), "petabyte");
        add(Unit.linear("KiB", "kibibyte", DATA, "8192"), "kibibyte");
        add(Unit.linear("MiB", "mebibyte", DATA, "8388608"), "mebibyte");
        add(Unit.linear("GiB", "gibibyte", DATA, "8589934592"), "gibibyte");
        add(Unit.linear("TiB", "tebibyte", DATA, "8796093022208"), "tebibyte");
        add(Unit.linear("PiB", "pebibyte", DATA, "9007199254740992"), "pebibyte");
        add(Unit.linear("kbit", "kilobit", DATA, "1000"), "kb", "Kb", "kilobit");
        add(Unit.linear("Mbit", "megabit", DATA, "1000000"), "Mb", "megabit");
        add(Unit.linear("Gbit", "gigabit", DATA, "1000000000"), "Gb", "gigabit");
        add(Unit.linear("Tbit", "terabit", DATA, "1000000000000"), "Tb", "terabit");
        // speed (base: metre per second)
        add(Unit.linear("m/s", "metre per second", SPEED, "1"), "mps", "metres per second", "meters per second", "metre per second", "meter per second");
        add(Unit.ratio("km/h", "kilometre per hour", SPEED, "1000", "3600"), "kph", "kmh", "km/hr", "kmph", "kilometres per hour", "kilometers per hour", "kilometre per hour", "kilometer per hour");
        add(Unit.ratio("mph", "mile per hour", SPEED, "1609.344", "3600"), "mi/h", "mi/hr", "miles per hour", "mile per hour");
        add(Unit.ratio("kn", "knot", SPEED, "1852", "3600"), "knot", "knots", "kt", "kts");
        add(Unit.linear("ft/s", "foot per second", SPEED, "0.3048"), "fps", "feet per second", "foot per second");
    }

    private void add(Unit unit, String... aliases) {
        units.add(unit);
        register(unit.symbol(), unit);
        register(unit.name(), unit);
        for (String alias : aliases) {
            register(alias, unit);
        }
    }

    private void register(String spelling, Unit unit) {
        exact.putIfAbsent(spelling, unit);
        folded.putIfAbsent(spelling.toLowerCase(Locale.ROOT), unit);
    }

    /** The unit a spelling names, if any (e.g. "kilometres", "°F", "km/h", "degrees celsius"). */
    Optional<Unit> find(String spelling) {
        String s = normalize(spelling);
        Unit u = exact.get(s);
        if (u == null) {
            u = folded.get(s.toLowerCase(Locale.ROOT));
        }
        if (u == null && s.length() > 3 && s.toLowerCase(Locale.ROOT).endsWith("s")) {
            u = folded.get(s.substring(0, s.length() - 1).toLowerCase(Locale.ROOT));
        }
        if (u == null && s.toLowerCase(Locale.ROOT).endsWith("es") && s.length() > 4) {
            u = folded.get(s.substring(0, s.length() - 2).toLowerCase(Locale.ROOT));
        }
        return Optional.ofNullable(u);
    }

    private static String normalize(String spelling) {
        String s = spelling.strip().replaceAll("\\s+", " ").replace('²', '2');
        s = s.replaceFirst("(?i)^(?:degrees|degree|deg)\\s+", "");
        s = s.replaceFirst("(?i)^° ", "°");
        s = s.replaceAll("(?i)\\s+per\\s+", " per ");
        return s;
    }

    List<Unit> units() {
        return Collections.unmodifiableList(units);
    }
}
