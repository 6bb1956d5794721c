package dev.chrysalis.skill.units;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * One conversion, computed exactly where the units allow: the result is a single division of exact
 * products, rounded to 34 significant digits only when it does not terminate.
 *
 * @param exact whether {@code result} is the exact value (false: rounded)
 */
record Conversion(BigDecimal value, Unit from, Unit to, BigDecimal result, boolean exact) {
    private static final MathContext DIGITS = MathContext.DECIMAL128;
    private static final MathContext SHOWN = new MathContext(15, RoundingMode.HALF_EVEN);

    /** @throws IllegalArgumentException naming both units when their dimensions differ, or a temperature below absolute zero */
    static Conversion of(BigDecimal value, Unit from, Unit to) {
        if (from.dimension() != to.dimension()) {
            throw new IllegalArgumentException("cannot convert " + from.symbol() + " (" + from.dimension().label + ") to "
                    + to.symbol() + " (" + to.dimension().label + "): they measure different things");
        }
        BigDecimal shifted = value.add(from.offset());
        if (from.dimension() == Dimension.TEMPERATURE && shifted.signum() < 0) {
            throw new IllegalArgumentException(value.stripTrailingZeros().toPlainString() + " " + from.symbol()
                    + " is below absolute zero");
        }
        BigDecimal numerator = shifted.multiply(from.numerator()).multiply(to.denominator());
        BigDecimal denominator = from.denominator().multiply(to.numerator());
        BigDecimal quotient = numerator.divide(denominator, DIGITS);
        boolean exact = quotient.multiply(denominator).compareTo(numerator) == 0;
        BigDecimal result = quotient.subtract(to.offset());
        return new Conversion(value, from, to, exact ? result : result.round(SHOWN), exact);
    }

    /** The result for people: at most 15 significant digits, no trailing zeros, plain notation. */
    String shown() {
        return plain(result.round(SHOWN));
    }

    static String plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.signum() == 0 ? "0" : s.toPlainString();
    }
}
