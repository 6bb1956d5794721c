package dev.chrysalis.evolution.mutate;

import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.locate.Suspicion;
import dev.chrysalis.spi.replay.ReplayCase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a coder (a model or an external agent) is told about a node: the batch's evidence (each call's input,
 * what it should have done, what it did, the failure messages and stack traces) and the located source with
 * line numbers (the suspicious methods, or the whole sources when nothing is located). Shorter at lower detail.
 */
public final class RepairBrief {

    /** How much of the source and evidence to show; each level shows less than the one before. */
    public enum Detail {
        FULL(6, 3, 8, true), METHODS(3, 2, 4, false), TOP(1, 1, 2, false);

        final int cases;
        final int methods;
        final int stackLines;
        final boolean wholeFilesWhenUnlocated;

        Detail(int cases, int methods, int stackLines, boolean wholeFilesWhenUnlocated) {
            this.cases = cases;
            this.methods = methods;
            this.stackLines = stackLines;
            this.wholeFilesWhenUnlocated = wholeFilesWhenUnlocated;
        }
    }

    private RepairBrief() {
    }

    /**
     * The brief for {@code request}, listing only files {@code editable} accepts.
     */
    public static String render(MutationRequest request, Detail detail, Predicate<String> editable) {
        StringBuilder u = new StringBuilder();
        u.append("Plugin: ").append(request.batch().plugin()).append("\n\n");
        evidence(u, request, detail);
        u.append('\n');
        source(u, request, detail, editable);
        return u.toString();
    }

    private static void evidence(StringBuilder u, MutationRequest request, Detail detail) {
        List<EvidenceItem> items = request.batch().items();
        int shown = 0;
        u.append("Failing calls:\n");
        for (EvidenceItem item : items) {
            for (EvidenceCase c : item.cases()) {
                if (shown == detail.cases) {
                    break;
                }
                shown++;
                ReplayCase r = c.replay();
                u.append(shown).append(". skill ").append(r.skill()).append(", input ").append(r.input()).append('\n');
                String expectation = r.expectedOutput().map(o -> "output " + o).orElseGet(() -> "an error containing '" + r.expectedError().orElseThrow() + "'");
                if (c.goal() == EvidenceCase.Goal.MATCH) {
                    u.append("   expected: ").append(expectation).append('\n');
                } else {
                    u.append("   it answered ").append(expectation).append(", which is wrong; it must answer differently\n");
                }
            }
            item.why().stream().limit(2).forEach(w -> u.append("   failure: ").append(oneLine(w, 240)).append('\n'));
            item.stackTraces().stream().limit(1).forEach(st -> {
                u.append("   stack:\n");
                st.lines().limit(detail.stackLines).forEach(l -> u.append("     ").append(l.strip()).append('\n'));
            });
        }
        int total = request.batch().evidenceCases().size();
        if (shown < total) {
            u.append("(").append(total - shown).append(" more failing calls not shown)\n");
        }
        if (!request.batch().regression().isEmpty()) {
            u.append(request.batch().regression().size()).append(" other recorded calls pass today and must keep passing.\n");
        }
    }

    private static void source(StringBuilder u, MutationRequest request, Detail detail, Predicate<String> editable) {
        Suspicion s = request.suspicion();
        Map<String, String> java = new LinkedHashMap<>();
        request.files().forEach((path, text) -> {
            if (editable.test(path)) {
                java.put(path, text);
            }
        });
        List<String> ranked = s.methods().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).limit(detail.methods).toList();
        // file -> regions to show, in the order of the methods' suspicion
        Map<String, List<SourceRegions.Region>> shown = new LinkedHashMap<>();
        for (String method : ranked) {
            for (var f : java.entrySet()) {
                SourceRegions.methods(f.getValue()).stream().filter(r -> r.method().equals(method)).findFirst()
                        .ifPresent(r -> shown.computeIfAbsent(f.getKey(), k -> new ArrayList<>()).add(r));
            }
        }
        if (shown.isEmpty()) {
            u.append("The fault is not located; the plugin's sources:\n");
            int files = 0;
            for (var f : java.entrySet()) {
                if (!detail.wholeFilesWhenUnlocated && files == detail.methods) {
                    break;
                }
                listing(u, f.getKey(), f.getValue(), List.of(new SourceRegions.Region("", 1, (int) f.getValue().lines().count())));
                files++;
            }
            return;
        }
        u.append("Most suspicious code (located by ").append(s.how()).append("): ").append(String.join(", ", ranked)).append('\n');
        shown.forEach((path, regions) -> listing(u, path, java.get(path), regions));
    }

    /** The regions of a file, widened by two lines, with line numbers; the file's imports first. */
    private static void listing(StringBuilder u, String path, String text, List<SourceRegions.Region> regions) {
        String[] lines = text.split("\n", -1);
        u.append("\nFile ").append(path).append(":\n");
        List<int[]> spans = new ArrayList<>();
        regions.stream().sorted(Comparator.comparingInt(SourceRegions.Region::firstLine)).forEach(r -> {
            int from = Math.max(1, r.firstLine() - 2);
            int to = Math.min(lines.length, r.lastLine() + 2);
            if (!spans.isEmpty() && from <= spans.getLast()[1] + 1) {
                spans.getLast()[1] = Math.max(spans.getLast()[1], to);
            } else {
                spans.add(new int[] {from, to});
            }
        });
        int width = Integer.toString(lines.length).length();
        int printed = 0;
        for (int[] span : spans) {
            if (span[0] > printed + 1) {
                u.append(" ".repeat(width)).append("| ...\n");
            }
            for (int i = span[0]; i <= span[1]; i++) {
                u.append(String.format("%" + width + "d| ", i)).append(lines[i - 1]).append('\n');
            }
            printed = span[1];
        }
    }

    /** {@code s} on one line, cut to {@code max} characters. */
    public static String oneLine(String s, int max) {
        String one = s.replace('\n', ' ').replace('\r', ' ').strip();
        return one.length() > max ? one.substring(0, max - 3) + "..." : one;
    }
}
