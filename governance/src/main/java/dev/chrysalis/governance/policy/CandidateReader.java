package dev.chrysalis.governance.policy;

import dev.chrysalis.governance.capability.BytecodeScanner;
import dev.chrysalis.governance.capability.ScanReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/** Builds a {@link Candidate} from a bundle jar and, optionally, the live jar it replaces. */
public final class CandidateReader {
    private final BytecodeScanner scanner;

    public CandidateReader(BytecodeScanner scanner) {
        this.scanner = scanner;
    }

    public Candidate read(BundleJar candidate, Optional<BundleJar> baseline, String proposer) {
        ScanReport scan = scanner.scan(candidate.bytes(), candidate.source());
        Optional<Candidate.Baseline> base = baseline.map(b -> {
            if (!b.symbolicName().equals(candidate.symbolicName())) {
                throw new BundleFormatException("baseline " + b.source() + " is " + b.symbolicName()
                        + ", but the candidate " + candidate.source() + " is " + candidate.symbolicName());
            }
            return new Candidate.Baseline(b.digest(), b.declared(), scanner.scan(b.bytes(), b.source()).usedCapabilities());
        });
        ChangeSize change = baseline.map(b -> diff(b, candidate)).orElseGet(() -> firstInstall(candidate));
        return new Candidate(candidate.symbolicName(), candidate.digest(), candidate.declared(), scan, base, change, proposer,
                Optional.empty());
    }

    private static ChangeSize firstInstall(BundleJar candidate) {
        if (candidate.sources().isEmpty()) {
            return new ChangeSize(OptionalInt.empty(), candidate.classDigests().size(), List.of(), "");
        }
        return diff(new BundleJar("(none)", new byte[0], "", candidate.symbolicName(), java.util.Set.of(),
                java.util.Map.of(), java.util.Map.of()), candidate);
    }

    /** Lines and classes that differ between two versions of a bundle. */
    public static ChangeSize diff(BundleJar old, BundleJar neu) {
        var classNames = new TreeSet<>(old.classDigests().keySet());
        classNames.addAll(neu.classDigests().keySet());
        int classesChanged = (int) classNames.stream()
                .filter(n -> !java.util.Objects.equals(old.classDigests().get(n), neu.classDigests().get(n))).count();
        boolean comparable = !neu.sources().isEmpty() && (old.digest().isEmpty() || !old.sources().isEmpty());
        if (!comparable) {
            return new ChangeSize(OptionalInt.empty(), classesChanged, List.of(), "");
        }
        var paths = new TreeSet<>(old.sources().keySet());
        paths.addAll(neu.sources().keySet());
        List<ChangeSize.FileChange> files = new ArrayList<>();
        StringBuilder unified = new StringBuilder();
        int total = 0;
        for (String path : paths) {
            var edits = LineDiff.edits(LineDiff.lines(old.sources().getOrDefault(path, "")),
                    LineDiff.lines(neu.sources().getOrDefault(path, "")));
            int added = (int) edits.stream().filter(e -> e.op() == LineDiff.Op.ADD).count();
            int removed = (int) edits.stream().filter(e -> e.op() == LineDiff.Op.REMOVE).count();
            if (added + removed > 0) {
                files.add(new ChangeSize.FileChange(path, added, removed));
                unified.append(LineDiff.unified(path, edits));
                total += added + removed;
            }
        }
        return new ChangeSize(OptionalInt.of(total), classesChanged, files, unified.toString());
    }
}
