package dev.chrysalis.harness.redact;

import java.util.Map;
import java.util.TreeMap;

/** How many secrets of each kind one pass redacted; kinds in name order so the summary is stable. */
final class RedactionCounts {
    private final Map<String, Integer> byKind = new TreeMap<>();

    void add(String kind) {
        byKind.merge(kind, 1, Integer::sum);
    }

    void addAll(RedactionCounts other) {
        other.byKind.forEach((k, n) -> byKind.merge(k, n, Integer::sum));
    }

    int total() {
        return byKind.values().stream().mapToInt(Integer::intValue).sum();
    }

    boolean isEmpty() {
        return byKind.isEmpty();
    }

    Map<String, Integer> asMap() {
        return Map.copyOf(byKind);
    }

    /** {@code aws-access-key=1,password=2}: the form stored in the {@code redactions} attribute. */
    String format() {
        StringBuilder sb = new StringBuilder();
        byKind.forEach((k, n) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(n));
        return sb.toString();
    }

    /** Reads {@link #format()}'s form back; parts that are not {@code kind=count} are ignored. */
    static RedactionCounts parse(String formatted) {
        RedactionCounts counts = new RedactionCounts();
        for (String part : formatted.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                int n = Integer.parseInt(part.substring(eq + 1).strip());
                if (n > 0) {
                    counts.byKind.merge(part.substring(0, eq).strip(), n, Integer::sum);
                }
            } catch (NumberFormatException e) {
                // not ours: ignore
            }
        }
        return counts;
    }
}
