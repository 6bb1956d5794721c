package dev.chrysalis.skill.calculator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;

/** The named functions an expression may call, with their arity rules. */
final class Functions {
    static final Set<String> NAMES = Set.of("sqrt", "abs", "round", "min", "max", "floor", "ceil",
            "ln", "log10", "log", "exp", "sin", "cos", "tan");

    private Functions() {
    }

    static boolean isFunction(String name) {
        return NAMES.contains(name);
    }

    static Num apply(String name, List<Num> args, Token at) {
        String where = name + " at position " + at.position();
        switch (name) {
            case "min", "max" -> {
                if (args.isEmpty()) {
                    throw new ExpressionException(where + " needs at least 1 argument");
                }
                Num best = args.getFirst();
                boolean exact = best.exact();
                for (Num a : args) {
                    exact &= a.exact();
                    int c = a.value().compareTo(best.value());
                    if (name.equals("min") ? c < 0 : c > 0) {
                        best = a;
                    }
                }
                return new Num(best.value(), exact);
            }
            case "round" -> {
                if (args.isEmpty() || args.size() > 2) {
                    throw new ExpressionException(where + " takes 1 or 2 arguments (value, decimals), got " + args.size());
                }
                int places = 0;
                if (args.size() == 2) {
                    BigDecimal p = args.get(1).value();
                    if (!Evaluator.isInteger(p) || p.abs().compareTo(BigDecimal.valueOf(1000)) > 0) {
                        throw new ExpressionException(where + ": the number of decimals must be a whole number between -1000 and 1000, got "
                                + Evaluator.format(p, false));
                    }
                    places = p.intValueExact();
                }
                Num x = args.getFirst();
                return new Num(x.value().setScale(places, RoundingMode.HALF_UP), x.exact());
            }
            default -> {
                // the single-argument functions
            }
        }
        if (args.size() != 1) {
            throw new ExpressionException(where + " takes 1 argument, got " + args.size());
        }
        Num x = args.getFirst();
        BigDecimal v = x.value();
        return switch (name) {
            case "abs" -> new Num(v.abs(), x.exact());
            case "floor" -> new Num(v.setScale(0, RoundingMode.FLOOR), x.exact());
            case "ceil" -> new Num(v.setScale(0, RoundingMode.CEILING), x.exact());
            case "sqrt" -> sqrt(x, where);
            case "ln" -> {
                requirePositive(v, where);
                yield v.compareTo(BigDecimal.ONE) == 0 ? new Num(BigDecimal.ZERO, x.exact())
                        : Evaluator.viaDouble(x, Math::log, where);
            }
            case "log10", "log" -> {
                requirePositive(v, where);
                BigDecimal s = v.stripTrailingZeros();
                if (s.unscaledValue().equals(BigInteger.ONE)) {
                    yield new Num(BigDecimal.valueOf(-s.scale()), x.exact()); // an exact power of ten
                }
                yield Evaluator.viaDouble(x, Math::log10, where);
            }
            case "exp" -> v.signum() == 0 ? new Num(BigDecimal.ONE, x.exact()) : Evaluator.viaDouble(x, Math::exp, where);
            case "sin" -> v.signum() == 0 ? new Num(BigDecimal.ZERO, x.exact()) : Evaluator.viaDouble(x, Math::sin, where);
            case "cos" -> v.signum() == 0 ? new Num(BigDecimal.ONE, x.exact()) : Evaluator.viaDouble(x, Math::cos, where);
            case "tan" -> v.signum() == 0 ? new Num(BigDecimal.ZERO, x.exact()) : Evaluator.viaDouble(x, Math::tan, where);
            default -> throw new ExpressionException("unknown function '" + name + "' at position " + at.position());
        };
    }

    private static void requirePositive(BigDecimal v, String where) {
        if (v.signum() <= 0) {
            throw new ExpressionException(where + " is undefined for " + Evaluator.format(v, true) + " (needs a positive number)");
        }
    }

    private static Num sqrt(Num x, String where) {
        BigDecimal v = x.value();
        if (v.signum() < 0) {
            throw new ExpressionException(where + " of a negative number (" + Evaluator.format(v, true) + ") is not a real number");
        }
        if (v.signum() == 0) {
            return new Num(BigDecimal.ZERO, x.exact());
        }
        BigDecimal root = v.sqrt(Evaluator.DIVISION);
        boolean exact = x.exact() && root.multiply(root).compareTo(v) == 0;
        return new Num(root, exact);
    }
}
