package dev.chrysalis.governance.policy;

import java.util.ArrayList;
import java.util.List;

/** Line diff of two texts by longest common subsequence, with a unified-diff rendering. */
final class LineDiff {
    /** Above this many cells the LCS table would be too big; the diff then treats the files as replaced. */
    private static final long MAX_CELLS = 16_000_000L;

    enum Op { KEEP, ADD, REMOVE }

    record Edit(Op op, String line, int oldLine, int newLine) {
    }

    private LineDiff() {
    }

    static List<String> lines(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        if (out.getLast().isEmpty()) {
            out.removeLast();
        }
        return out;
    }

    static List<Edit> edits(List<String> a, List<String> b) {
        int prefix = 0;
        while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < a.size() - prefix && suffix < b.size() - prefix
                && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
            suffix++;
        }
        List<Edit> out = new ArrayList<>();
        for (int i = 0; i < prefix; i++) {
            out.add(new Edit(Op.KEEP, a.get(i), i + 1, i + 1));
        }
        List<String> ma = a.subList(prefix, a.size() - suffix);
        List<String> mb = b.subList(prefix, b.size() - suffix);
        int n = ma.size();
        int m = mb.size();
        if ((long) n * m > MAX_CELLS) {
            for (int i = 0; i < n; i++) {
                out.add(new Edit(Op.REMOVE, ma.get(i), prefix + i + 1, prefix + 1));
            }
            for (int j = 0; j < m; j++) {
                out.add(new Edit(Op.ADD, mb.get(j), prefix + n + 1, prefix + j + 1));
            }
        } else {
            int[][] lcs = new int[n + 1][m + 1];
            for (int i = n - 1; i >= 0; i--) {
                for (int j = m - 1; j >= 0; j--) {
                    lcs[i][j] = ma.get(i).equals(mb.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
                }
            }
            int i = 0;
            int j = 0;
            while (i < n || j < m) {
                if (i < n && j < m && ma.get(i).equals(mb.get(j))) {
                    out.add(new Edit(Op.KEEP, ma.get(i), prefix + i + 1, prefix + j + 1));
                    i++;
                    j++;
                } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                    out.add(new Edit(Op.ADD, mb.get(j), prefix + i + 1, prefix + j + 1));
                    j++;
                } else {
                    out.add(new Edit(Op.REMOVE, ma.get(i), prefix + i + 1, prefix + j + 1));
                    i++;
                }
            }
        }
        for (int k = 0; k < suffix; k++) {
            int ai = a.size() - suffix + k;
            int bi = b.size() - suffix + k;
            out.add(new Edit(Op.KEEP, a.get(ai), ai + 1, bi + 1));
        }
        return out;
    }

    /** Unified diff with three lines of context; empty when nothing changed. */
    static String unified(String path, List<Edit> edits) {
        final int context = 3;
        StringBuilder sb = new StringBuilder();
        int k = 0;
        boolean header = false;
        while (k < edits.size()) {
            if (edits.get(k).op() == Op.KEEP) {
                k++;
                continue;
            }
            int start = Math.max(0, k - context);
            int end = k;
            int lastChange = k;
            while (end < edits.size()) {
                if (edits.get(end).op() != Op.KEEP) {
                    lastChange = end;
                } else if (end - lastChange > 2 * context) {
                    break;
                }
                end++;
            }
            end = Math.min(edits.size(), lastChange + context + 1);
            if (!header) {
                sb.append("--- a/").append(path).append('\n').append("+++ b/").append(path).append('\n');
                header = true;
            }
            int oldStart = edits.get(start).oldLine();
            int newStart = edits.get(start).newLine();
            int oldCount = 0;
            int newCount = 0;
            StringBuilder body = new StringBuilder();
            for (int x = start; x < end; x++) {
                Edit e = edits.get(x);
                switch (e.op()) {
                    case KEEP -> { body.append(' ').append(e.line()).append('\n'); oldCount++; newCount++; }
                    case ADD -> { body.append('+').append(e.line()).append('\n'); newCount++; }
                    case REMOVE -> { body.append('-').append(e.line()).append('\n'); oldCount++; }
                }
            }
            sb.append("@@ -").append(oldCount == 0 ? oldStart - 1 : oldStart).append(',').append(oldCount)
                    .append(" +").append(newCount == 0 ? newStart - 1 : newStart).append(',').append(newCount).append(" @@\n")
                    .append(body);
            k = end;
        }
        return sb.toString();
    }
}
