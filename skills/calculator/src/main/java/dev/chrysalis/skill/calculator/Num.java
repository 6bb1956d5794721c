package dev.chrysalis.skill.calculator;

import java.math.BigDecimal;

/**
 * A value during evaluation: the decimal and whether it is exact. A value stops being exact once it
 * passes through a rounded division, an irrational function or a non-integer power.
 */
record Num(BigDecimal value, boolean exact) {

    static Num exact(BigDecimal value) {
        return new Num(value, true);
    }

    static Num approximate(BigDecimal value) {
        return new Num(value, false);
    }

    Num withExact(boolean otherExact) {
        return new Num(value, exact && otherExact);
    }
}
