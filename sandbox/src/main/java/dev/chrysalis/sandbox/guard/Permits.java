package dev.chrysalis.sandbox.guard;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the code of one guarded class loader may do beyond pure computation. The trial worker gives its
 * candidate {@link #scratchOnly}; the live host gives every plugin bundle what its manifest declares.
 *
 * @param holder     who the code belongs to, as denials name it (e.g. {@code bundle 'skill-files' 1.0.0})
 * @param granted    rules that do not apply to this code (e.g. {@link Rule#NETWORK} for a bundle that declared {@code net});
 *                   file access is never granted wholesale: it is bounded by the two root lists
 * @param readRoots  directories (or single files) it may read, beside the guard's runtime read roots
 * @param writeRoots directories (or single files) it may write; they are readable too
 * @param witness    told about each denial of this code, after the guard's own reporter (must not throw)
 * @param adoptsPoolWorkers whether fork-join pool workers started while this code is on the stack count as its
 *                   threads: yes in a trial worker, where every pool serves the candidate; no in the live host,
 *                   where the common pool and the virtual-thread carriers serve everyone (code the workers run
 *                   for this bundle still has its frames on the stack, so it is judged all the same)
 */
public record Permits(String holder, Set<Rule> granted, List<Path> readRoots, List<Path> writeRoots,
                      Consumer<Violation> witness, boolean adoptsPoolWorkers) {
    /** Rules no code can be exempted from: the file rules (bounded by roots) and the resource limits. */
    public static final Set<Rule> NEVER_GRANTED = Set.copyOf(EnumSet.of(Rule.FILE_READ, Rule.FILE_WRITE,
            Rule.THREAD_LIMIT, Rule.MEMORY_LIMIT, Rule.STACK_DEPTH, Rule.OUTPUT_LIMIT));

    /** A witness that ignores denials (a plain class: guard code avoids lambdas). */
    public static final Consumer<Violation> NO_WITNESS = new Consumer<>() {
        @Override
        public void accept(Violation v) {
        }
    };

    public Permits {
        Objects.requireNonNull(holder, "holder");
        granted = granted.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(granted));
        for (Rule r : granted) {
            if (NEVER_GRANTED.contains(r)) {
                throw new IllegalArgumentException(holder + ": rule " + r.label() + " cannot be granted (file access is"
                        + " given by read and write roots; limits always apply)");
            }
        }
        readRoots = readRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        writeRoots = writeRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        Objects.requireNonNull(witness, "witness");
    }

    /** The trial worker's candidate: may read and write its scratch directory and nothing else. */
    public static Permits scratchOnly(String holder, Path scratch) {
        return new Permits(holder, Set.of(), List.of(), List.of(scratch), NO_WITNESS, true);
    }

    public boolean grants(Rule rule) {
        return granted.contains(rule);
    }

    boolean mayRead(Path absolute) {
        return under(absolute, readRoots) || under(absolute, writeRoots);
    }

    boolean mayWrite(Path absolute) {
        return under(absolute, writeRoots);
    }

    private static boolean under(Path path, List<Path> roots) {
        for (Path root : roots) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }
}
