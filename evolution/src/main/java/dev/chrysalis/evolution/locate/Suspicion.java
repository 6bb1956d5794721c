package dev.chrysalis.evolution.locate;

import java.util.Map;
import java.util.Objects;

/**
 * Where the fault most likely is: a score per method ({@code Type.method}) and, where a spectrum was
 * measured, per line ({@code file:line}); higher is more suspicious. Empty maps mean no information.
 *
 * @param how which evidence the scores came from (e.g. "stack traces", "spectrum (ochiai)")
 */
public record Suspicion(Map<String, Double> methods, Map<String, Double> lines, String how) {
    public Suspicion {
        methods = Map.copyOf(methods);
        lines = Map.copyOf(lines);
        Objects.requireNonNull(how, "how");
    }

    public double method(String method) {
        return methods.getOrDefault(method, 0.0);
    }

    public double line(String file, int line) {
        return lines.getOrDefault(file + ":" + line, 0.0);
    }

    /** Both suspicions: scores of a method or line named by both add up; {@code how} names both sources. */
    public Suspicion plus(Suspicion other) {
        Map<String, Double> m = new java.util.HashMap<>(methods);
        other.methods.forEach((k, v) -> m.merge(k, v, Double::sum));
        Map<String, Double> l = new java.util.HashMap<>(lines);
        other.lines.forEach((k, v) -> l.merge(k, v, Double::sum));
        String both = methods.isEmpty() && lines.isEmpty() ? other.how : other.methods.isEmpty() && other.lines.isEmpty() ? how : how + " + " + other.how;
        return new Suspicion(m, l, both);
    }
}
