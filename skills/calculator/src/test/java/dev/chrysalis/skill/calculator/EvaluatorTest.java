package dev.chrysalis.skill.calculator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    private static String value(String expression) {
        Num n = Evaluator.evaluate(expression);
        return Evaluator.format(n.value(), n.exact());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "1 + 2 * 3 - 4 / 2 | 5",
            "(1 + 2) * (3 - 4) | -3",
            "2 ^ 3 ^ 2 | 512",
            "(2 ^ 3) ^ 2 | 64",
            "-2 ^ 2 | -4",
            "(-2) ^ 2 | 4",
            "2 ^ -2 | 0.25",
            "--3 | 3",
            "+-+3 | -3",
            "10 - 2 - 3 | 5",
            "100 / 10 / 5 | 2",
            "7 % 3 * 2 | 2",
            "-7 % 3 | -1",
            "5.5 % 2 | 1.5",
            "0.1 + 0.2 - 0.3 | 0",
            "1.10 + 2.20 | 3.3",
            "3 * 0.1 | 0.3",
            "1e2 * 1E-2 | 1",
            ".5 + .25 | 0.75",
            "2 ** 10 | 1024",
            "12 ÷ 4 × 3 − 1 | 8",
            "round(2.5) | 3",
            "round(-2.5) | -3",
            "round(1234.5678, -2) | 1200",
            "round(1.005, 2) | 1.01",
            "min(3) | 3",
            "max(1, 2, 3, 2) | 3",
            "abs(-0.5) + floor(0.5) + ceil(-0.5) | 0.5",
            "sqrt(0.25) | 0.5",
            "log10(0.001) | -3",
            "exp(0) + cos(0) + sin(0) + ln(1) | 2",
            "10^30 | 1000000000000000000000000000000",
            "10^-8 | 1E-8",
            "(-1)^10000001 | -1"
    })
    void evaluatesWithPrecedenceAndExactness(String expression, String expected) {
        assertEquals(expected, value(expression));
    }

    @Test
    void exactArithmeticStaysExact() {
        assertTrue(Evaluator.evaluate("0.1 + 0.2").exact());
        assertTrue(Evaluator.evaluate("1/4 + 3/8").exact());
        assertTrue(Evaluator.evaluate("sqrt(1.44)").exact());
        assertFalse(Evaluator.evaluate("1/3").exact());
        assertFalse(Evaluator.evaluate("2 * pi").exact());
        assertFalse(Evaluator.evaluate("2^0.5").exact());
        assertFalse(Evaluator.evaluate("sqrt(3)").exact());
    }

    @Test
    void divisionRoundsToThirtyFourDigits() {
        assertEquals("0.6666666666666666666666666666666667", value("2/3"));
        assertEquals("142857.1428571428571428571428571429", value("1000000/7"));
    }

    @Test
    void irrationalFunctionsGiveFifteenDigits() {
        assertEquals("3.14159265358979", value("round(pi, 14)"));
        assertEquals("0.841470984807897", value("sin(1)"));
        assertEquals("2.71828182845905", value("exp(1)"));
        assertEquals("1.4142135623731", value("2^0.5"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "1+2) | unexpected ')' at position 4",
            "(1+2)) | unexpected ')' at position 6",
            "((1) | missing ')' to close '(' at position 1",
            "1 + | expected a number at position 4 (end of expression)",
            "* 2 | unexpected '*' at position 1",
            "2 3 | unexpected '3' at position 3",
            "2(3) | unexpected '(' at position 2",
            "1..2 | malformed number '1..' at position 1",
            "1.2.3 | malformed number '1.2.' at position 1",
            "4 / (2 - 2) | division by zero at position 3",
            "4 % 0 | modulo by zero at position 3",
            "0 ^ -1 | division by zero",
            "x + 1 | unknown name 'x' at position 1",
            "sqrt 4 | function 'sqrt' at position 1 needs arguments in parentheses",
            "bogus(1) | unknown function 'bogus' at position 1",
            "sqrt(1, 2) | sqrt at position 1 takes 1 argument, got 2",
            "round(1, 2, 3) | round at position 1 takes 1 or 2 arguments",
            "round(1, 0.5) | must be a whole number",
            "max() | max at position 1 needs at least 1 argument",
            "ln(0) | ln at position 1 is undefined for 0",
            "log10(-1) | is undefined for -1",
            "10 ^ 10000000 | too large",
            "1 + # | unexpected character '#' at position 5",
            "(1, 2) | unexpected ',' at position 3",
    })
    void errorsNameThePosition(String expression, String message) {
        ExpressionException e = assertThrows(ExpressionException.class, () -> Evaluator.evaluate(expression));
        assertTrue(e.getMessage().contains(message), () -> "'" + expression + "': " + e.getMessage());
    }

    @Test
    void emptyExpressionIsRefused() {
        assertEquals("the expression is empty", assertThrows(ExpressionException.class, () -> Evaluator.evaluate("   ")).getMessage());
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "(".repeat(5000) + "1" + ")".repeat(5000);
        assertTrue(assertThrows(ExpressionException.class, () -> Evaluator.evaluate(deep)).getMessage().contains("nested too deeply"));
        String signs = "-".repeat(5000) + "1";
        assertTrue(assertThrows(ExpressionException.class, () -> Evaluator.evaluate(signs)).getMessage().contains("too many signs"));
        String powers = "2" + "^2".repeat(5000);
        assertThrows(ExpressionException.class, () -> Evaluator.evaluate(powers));
    }

    @Test
    void formatsLargeAndSmallValuesReadably() {
        assertEquals("1" + "0".repeat(50), value("1e50 * 1.0"));
        assertEquals("3.333333333333333333333333333333333E+49", value("1e50 / 3"));
        assertEquals("0.000001", value("1/1000000"));
        assertEquals("-0.5", value("-1/2"));
    }
}
