package dev.chrysalis.evolution.locate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ranks a plugin's methods by the stack traces recorded with the evidence: a frame in one of the plugin's
 * packages scores its method {@code 1/(depth+1)} where depth counts the plugin frames above it in that
 * trace (the throwing frame scores 1), summed over traces. Lines of frames score the same.
 */
public final class StackTraceLocator {
    private static final Pattern FRAME = Pattern.compile("at (?:[\\w.$]+/)?([\\w.$]+)\\.([\\w$<>]+)\\(([\\w$]+\\.java):(\\d+)\\)");

    public Suspicion locate(List<String> stackTraces, java.util.Set<String> pluginPackages, Map<String, String> classFiles) {
        Map<String, Double> methods = new HashMap<>();
        Map<String, Double> lines = new HashMap<>();
        for (String trace : stackTraces) {
            int depth = 0;
            Matcher m = FRAME.matcher(trace);
            while (m.find()) {
                String cls = m.group(1);
                int dot = cls.lastIndexOf('.');
                if (dot < 0 || !pluginPackages.contains(cls.substring(0, dot))) {
                    continue;
                }
                String type = cls.substring(dot + 1);
                String name = type + "." + m.group(2);
                double score = 1.0 / (depth + 1);
                methods.merge(name, score, Double::sum);
                String file = classFiles.get(cls.substring(0, dot) + "." + m.group(3).replace(".java", ""));
                if (file != null) {
                    lines.merge(file + ":" + m.group(4), score, Double::sum);
                }
                depth++;
            }
        }
        return new Suspicion(methods, lines, "stack traces");
    }
}
