package dev.chrysalis.spi.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Structural JSON comparison that reports where two documents differ (numbers within a tolerance). */
public final class JsonComparison {
    private static final int MAX_DIFFERENCES = 5;

    private JsonComparison() {
    }

    /** The differences, as "path: expected X, got Y" lines; empty when equal. */
    public static List<String> differences(JsonNode expected, JsonNode actual, double tolerance) {
        List<String> out = new ArrayList<>();
        compare("$", expected, actual, tolerance, out);
        return out;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, double tolerance, List<String> out) {
        if (out.size() >= MAX_DIFFERENCES) {
            return;
        }
        if (expected.isNumber() && actual.isNumber()) {
            boolean same = tolerance == 0
                    ? expected.decimalValue().compareTo(actual.decimalValue()) == 0
                    : Math.abs(expected.doubleValue() - actual.doubleValue())
                        <= tolerance * Math.max(1.0, Math.abs(expected.doubleValue()));
            if (!same) {
                out.add(path + ": expected " + expected + ", got " + actual);
            }
            return;
        }
        if (expected.getNodeType() != actual.getNodeType()) {
            out.add(path + ": expected " + describe(expected) + ", got " + describe(actual));
            return;
        }
        if (expected.isObject()) {
            var names = new TreeSet<String>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode e = expected.get(name);
                JsonNode a = actual.get(name);
                if (e == null) {
                    out.add(path + "." + name + ": unexpected field, got " + abbreviate(a));
                } else if (a == null) {
                    out.add(path + "." + name + ": missing, expected " + abbreviate(e));
                } else {
                    compare(path + "." + name, e, a, tolerance, out);
                }
            }
        } else if (expected.isArray()) {
            if (expected.size() != actual.size()) {
                out.add(path + ": expected " + expected.size() + " elements, got " + actual.size());
            }
            Iterator<JsonNode> ei = expected.elements();
            Iterator<JsonNode> ai = actual.elements();
            for (int i = 0; ei.hasNext() && ai.hasNext(); i++) {
                compare(path + "[" + i + "]", ei.next(), ai.next(), tolerance, out);
            }
        } else if (!expected.equals(actual)) {
            out.add(path + ": expected " + abbreviate(expected) + ", got " + abbreviate(actual));
        }
    }

    private static String describe(JsonNode node) {
        return node.getNodeType().name().toLowerCase() + " " + abbreviate(node);
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
