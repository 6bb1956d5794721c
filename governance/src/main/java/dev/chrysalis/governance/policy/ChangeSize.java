package dev.chrysalis.governance.policy;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How much a candidate changes against its baseline.
 *
 * @param linesChanged   source lines added plus removed; empty when the jars carry no sources to compare
 * @param classesChanged class files added, removed or different
 * @param files          per source file: path and lines added/removed, for display
 * @param unifiedDiff    the source change as a unified diff (empty when there is no baseline or no sources)
 */
public record ChangeSize(OptionalInt linesChanged, int classesChanged, List<FileChange> files, String unifiedDiff) {
    public ChangeSize {
        Objects.requireNonNull(linesChanged, "linesChanged");
        files = List.copyOf(files);
        Objects.requireNonNull(unifiedDiff, "unifiedDiff");
    }

    public record FileChange(String path, int added, int removed) {
    }

}
