package dev.chrysalis.skill.units;

import java.math.BigDecimal;

/**
 * A unit as an exact affine map onto its dimension's base unit: {@code base = (value + offset) * numerator / denominator}.
 * Only temperatures have an offset (Celsius: 273.15 to kelvin; Fahrenheit: 459.67 to Rankine, then 5/9).
 */
record Unit(String symbol, String name, Dimension dimension, BigDecimal numerator, BigDecimal denominator, BigDecimal offset) {

    static Unit linear(String symbol, String name, Dimension dimension, String factor) {
        return new Unit(symbol, name, dimension, new BigDecimal(factor), BigDecimal.ONE, BigDecimal.ZERO);
    }

    static Unit ratio(String symbol, String name, Dimension dimension, String numerator, String denominator) {
        return new Unit(symbol, name, dimension, new BigDecimal(numerator), new BigDecimal(denominator), BigDecimal.ZERO);
    }
}
