package dev.chrysalis.evolution.mutate.llm;

import dev.chrysalis.evolution.mutate.PluginPaths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies a coder's edits to a plugin's files, all or none. An edit applies only when its file is one of the
 * plugin's own source files (a plain relative path: no {@code ..}, no absolute path, no backslash) and its
 * {@code find} text occurs exactly once in that file as the earlier edits left it; anything else refuses
 * the whole set with a reason the model and the journal can read.
 */
public final class EditApplier {
    /** The outcome: the changed files, or why nothing was applied. */
    public sealed interface Result {
        /** @param changed every file the edits changed, path inside the plugin -> whole new text */
        record Applied(Map<String, String> changed, int firstLine) implements Result {
        }

        record Refused(String reason) implements Result {
            public Refused {
                Objects.requireNonNull(reason, "reason");
            }
        }
    }

    /**
     * @param files the plugin's files, path inside the plugin folder -> text
     * @param edits applied in order; each sees the file as the edits before it left it
     */
    public Result apply(Map<String, String> files, List<Edit> edits) {
        if (edits.isEmpty()) {
            return new Result.Refused("no edits given");
        }
        Map<String, String> changed = new LinkedHashMap<>();
        int firstLine = 0;
        for (int i = 0; i < edits.size(); i++) {
            Edit e = edits.get(i);
            String where = "edit " + (i + 1) + " (" + e.file() + ")";
            String problem = PluginPaths.problem(e.file());
            if (problem != null) {
                return new Result.Refused(where + ": " + problem);
            }
            String text = changed.containsKey(e.file()) ? changed.get(e.file()) : files.get(e.file());
            if (text == null) {
                return new Result.Refused(where + ": the plugin has no such file");
            }
            if (e.find().isEmpty()) {
                return new Result.Refused(where + ": 'find' is empty");
            }
            if (e.find().equals(e.replace())) {
                return new Result.Refused(where + ": 'replace' equals 'find', nothing would change");
            }
            int at = text.indexOf(e.find());
            if (at < 0) {
                return new Result.Refused(where + ": 'find' text " + quote(e.find()) + " does not occur in the file");
            }
            int count = occurrences(text, e.find());
            if (count > 1) {
                return new Result.Refused(where + ": 'find' text " + quote(e.find()) + " occurs " + count
                        + " times in the file; it must occur exactly once");
            }
            if (i == 0) {
                firstLine = 1 + (int) text.substring(0, at).chars().filter(c -> c == '\n').count();
            }
            changed.put(e.file(), text.substring(0, at) + e.replace() + text.substring(at + e.find().length()));
        }
        changed.entrySet().removeIf(en -> en.getValue().equals(files.get(en.getKey())));
        if (changed.isEmpty()) {
            return new Result.Refused("the edits together leave every file as it was");
        }
        return new Result.Applied(changed, firstLine);
    }

    private static int occurrences(String text, String find) {
        int n = 0;
        for (int at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + 1)) {
            n++;
        }
        return n;
    }

    private static String quote(String s) {
        String one = s.replace("\n", "\\n");
        return "'" + (one.length() > 60 ? one.substring(0, 57) + "..." : one) + "'";
    }
}
