package dev.chrysalis.harness.router;

import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillExample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TF-IDF similarity between a message and each skill's text (name, description, example phrasings).
 * A skill's score is the better of its whole text and its single closest example.
 */
final class ExampleIndex {

    /** How close a skill came; {@code example} is the closest example when it decided the score. */
    record Similarity(String skill, double score, Optional<String> example, boolean sharesWords) {
        static final Comparator<Similarity> BEST_FIRST = Comparator.comparingDouble(Similarity::score).reversed()
                .thenComparing(Similarity::skill);

        String describe() {
            return skill + String.format(java.util.Locale.ROOT, " (%.2f)", score);
        }
    }

    private record Entry(String skill, Map<String, Double> document, List<Map<String, Double>> examples,
                         List<String> utterances) {
    }

    /** Numbers say little about which skill is meant ("2 kg", "2+2", "2 days"); they count a quarter. */
    private static final double NUMBER_WEIGHT = 0.25;

    private final Map<String, Double> idf = new HashMap<>();
    private final List<Entry> entries = new ArrayList<>();

    ExampleIndex(List<SkillDescriptor> catalogue) {
        Map<String, Integer> df = new HashMap<>();
        List<List<String>> docs = new ArrayList<>();
        for (SkillDescriptor s : catalogue) {
            List<String> doc = new ArrayList<>(Tokens.of(s.name().replace('-', ' ')));
            doc.addAll(Tokens.of(s.description()));
            for (SkillExample e : s.examples()) {
                doc.addAll(Tokens.of(e.utterance()));
            }
            docs.add(doc);
            new LinkedHashSet<>(doc).forEach(t -> df.merge(t, 1, Integer::sum));
        }
        int n = catalogue.size();
        df.forEach((t, d) -> idf.put(t, Math.log((1.0 + n) / (1.0 + d)) + 1.0));
        idf.computeIfPresent(Tokens.NUMBER, (t, w) -> w * NUMBER_WEIGHT);
        for (int i = 0; i < catalogue.size(); i++) {
            SkillDescriptor s = catalogue.get(i);
            Map<String, Integer> tf = new HashMap<>();
            docs.get(i).forEach(t -> tf.merge(t, 1, Integer::sum));
            Map<String, Double> doc = new HashMap<>();
            tf.forEach((t, c) -> doc.put(t, (1.0 + Math.log(c)) * idf.get(t)));
            List<Map<String, Double>> examples = new ArrayList<>();
            List<String> utterances = new ArrayList<>();
            for (SkillExample e : s.examples()) {
                examples.add(binary(Tokens.of(e.utterance())));
                utterances.add(e.utterance());
            }
            entries.add(new Entry(s.name(), doc, examples, utterances));
        }
    }

    private Map<String, Double> binary(List<String> tokens) {
        Map<String, Double> v = new HashMap<>();
        for (String t : new LinkedHashSet<>(tokens)) {
            v.put(t, idf.getOrDefault(t, 0.0));
        }
        return v;
    }

    /** Every skill, closest first (ties by name). */
    List<Similarity> rank(String message) {
        Map<String, Double> q = binary(Tokens.of(message));
        List<Similarity> out = new ArrayList<>();
        for (Entry e : entries) {
            double best = cosine(q, e.document());
            Optional<String> example = Optional.empty();
            for (int i = 0; i < e.examples().size(); i++) {
                double s = cosine(q, e.examples().get(i));
                if (s > best + 1e-12) {
                    best = s;
                    example = Optional.of(e.utterances().get(i));
                }
            }
            boolean words = q.keySet().stream().anyMatch(t -> !t.equals(Tokens.NUMBER) && e.document().containsKey(t));
            out.add(new Similarity(e.skill(), best, example, words));
        }
        out.sort(Similarity.BEST_FIRST);
        return out;
    }

    private static double cosine(Map<String, Double> a, Map<String, Double> b) {
        double dot = 0;
        for (var entry : a.entrySet()) {
            Double w = b.get(entry.getKey());
            if (w != null) {
                dot += entry.getValue() * w;
            }
        }
        if (dot == 0) {
            return 0;
        }
        return dot / (norm(a) * norm(b));
    }

    private static double norm(Map<String, Double> v) {
        double s = 0;
        for (double w : v.values()) {
            s += w * w;
        }
        return Math.sqrt(s);
    }
}
