package dev.chrysalis.skill.csv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Statistics of one column. A column is numeric when every present value reads as a number; missing
 * values are empty cells and NA, N/A, null, NaN. Sums, minimum, maximum and median are exact; mean and the
 * sample standard deviation are rounded to 15 significant digits.
 */
final class ColumnStats {
    static final int TOP = 5;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final MathContext DIGITS = MathContext.DECIMAL128;
    private static final MathContext SHOWN = new MathContext(15, RoundingMode.HALF_EVEN);
    private static final Set<String> MISSING = Set.of("", "na", "n/a", "null", "nan");
    private static final Pattern GROUPED = Pattern.compile("[-+]?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?");
    private static final Pattern PLAIN = Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d{1,4})?");

    private ColumnStats() {
    }

    static boolean isMissing(String value) {
        return MISSING.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** A cell as a number: plain or scientific, with optional thousands separators and a leading currency sign. */
    static Optional<BigDecimal> number(String value) {
        String v = value.strip();
        if (!v.isEmpty() && "$€£¥".indexOf(v.charAt(0)) >= 0) {
            v = v.substring(1).strip();
        } else if (v.length() > 1 && (v.charAt(0) == '-' || v.charAt(0) == '+') && "$€£¥".indexOf(v.charAt(1)) >= 0) {
            v = v.charAt(0) + v.substring(2).strip();
        }
        if (GROUPED.matcher(v).matches()) {
            v = v.replace(",", "");
        }
        if (!PLAIN.matcher(v).matches()) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(v));
    }

    static ObjectNode of(String name, List<String> cells) {
        ObjectNode out = NODES.objectNode().put("name", name);
        List<String> present = new ArrayList<>();
        for (String cell : cells) {
            if (!isMissing(cell)) {
                present.add(cell.strip());
            }
        }
        int missing = cells.size() - present.size();
        if (present.isEmpty()) {
            return out.put("type", "empty").put("count", 0).put("missing", missing);
        }
        List<BigDecimal> numbers = new ArrayList<>(present.size());
        for (String p : present) {
            Optional<BigDecimal> d = number(p);
            if (d.isEmpty()) {
                numbers = null;
                break;
            }
            numbers.add(d.get());
        }
        return numbers != null ? numeric(out, numbers, missing) : text(out, present, missing);
    }

    private static ObjectNode numeric(ObjectNode out, List<BigDecimal> values, int missing) {
        int n = values.size();
        List<BigDecimal> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        BigDecimal sum = BigDecimal.ZERO;
        for (BigDecimal v : values) {
            sum = sum.add(v);
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(n), DIGITS);
        BigDecimal median = n % 2 == 1 ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2));
        out.put("type", "number").put("count", n).put("missing", missing);
        out.set("min", number(sorted.getFirst()));
        out.set("max", number(sorted.getLast()));
        out.set("sum", number(sum));
        out.set("mean", number(mean.round(SHOWN)));
        out.set("median", number(median));
        if (n >= 2) {
            BigDecimal squares = BigDecimal.ZERO;
            for (BigDecimal v : values) {
                BigDecimal d = v.subtract(mean);
                squares = squares.add(d.multiply(d, DIGITS), DIGITS);
            }
            BigDecimal variance = squares.divide(BigDecimal.valueOf(n - 1L), DIGITS);
            out.set("stddev", number(variance.sqrt(DIGITS).round(SHOWN)));
        }
        return out;
    }

    private static ObjectNode text(ObjectNode out, List<String> values, int missing) {
        Map<String, Integer> counts = new HashMap<>();
        for (String v : values) {
            counts.merge(v, 1, Integer::sum);
        }
        out.put("type", "text").put("count", values.size()).put("missing", missing).put("distinct", counts.size());
        var top = out.putArray("top");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .forEach(e -> top.addObject().put("value", e.getKey()).put("count", e.getValue()));
        return out;
    }

    /** Whole numbers as JSON integers, others as plain decimals. */
    static JsonNode number(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() <= 0) {
            BigInteger i = s.toBigIntegerExact();
            return i.bitLength() < 64 ? NODES.numberNode(i.longValue()) : NODES.numberNode(i);
        }
        return DecimalNode.valueOf(s);
    }
}
