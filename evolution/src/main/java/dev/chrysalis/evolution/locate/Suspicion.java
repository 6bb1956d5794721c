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
}
