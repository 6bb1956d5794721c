package dev.chrysalis.directory.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The entries of a directory index that loaded, and a problem for each one that did not. */
public record DirectoryIndex(String source, List<IndexEntry> entries, List<IndexProblem> problems) {
    public DirectoryIndex {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }

    public static DirectoryIndex empty(String source) {
        return new DirectoryIndex(source, List.of(), List.of());
    }

    /** Every version of {@code id}, newest first. */
    public List<IndexEntry> versions(String id) {
        return entries.stream().filter(e -> e.id().equals(id))
                .sorted(Comparator.comparing(IndexEntry::version).reversed()).toList();
    }

    public Optional<IndexEntry> latest(String id) {
        return versions(id).stream().findFirst();
    }

    public Optional<IndexEntry> find(String id, String version) {
        return entries.stream().filter(e -> e.id().equals(id) && e.version().toString().equals(version)).findFirst();
    }

    /** The newest version of each bundle, in id order. */
    public List<IndexEntry> latestOfEach() {
        Map<String, IndexEntry> out = new LinkedHashMap<>();
        entries.stream().sorted(Comparator.comparing(IndexEntry::id)).forEach(e -> out.merge(e.id(), e,
                (a, b) -> a.version().compareTo(b.version()) >= 0 ? a : b));
        return List.copyOf(out.values());
    }

    /**
     * The newest version of each bundle matching every word of {@code query} (case-insensitive) in its id, name,
     * description, SKILL.md summary or capabilities; best first: id and name hits above text hits.
     * An empty query lists everything.
     */
    public List<IndexEntry> search(String query) {
        List<String> words = List.of(query.toLowerCase(Locale.ROOT).strip().split("\\s+")).stream()
                .filter(w -> !w.isEmpty()).toList();
        record Hit(IndexEntry entry, int score) {
        }
        List<Hit> hits = new ArrayList<>();
        for (IndexEntry e : latestOfEach()) {
            String head = (e.id() + " " + e.name()).toLowerCase(Locale.ROOT);
            String text = (e.description() + " " + e.summary() + " " + String.join(" ", e.provides()) + " "
                    + String.join(" ", e.exports())).toLowerCase(Locale.ROOT);
            int score = 0;
            boolean all = true;
            for (String w : words) {
                int s = (head.contains(w) ? 3 : 0) + (text.contains(w) ? 1 : 0);
                if (s == 0) {
                    all = false;
                    break;
                }
                score += s;
            }
            if (all) {
                hits.add(new Hit(e, score));
            }
        }
        return hits.stream().sorted(Comparator.comparingInt(Hit::score).reversed().thenComparing(h -> h.entry().id()))
                .map(Hit::entry).collect(Collectors.toList());
    }
}
