package dev.chrysalis.evolution.mutate;

import dev.chrysalis.evolution.build.CompileDiagnostic;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * A mutator's proposals for one node, pulled one at a time. {@link #hasNext()} must be cheap (the search
 * asks it to decide whether a node is still expandable); the work happens in {@link #next()}.
 */
public interface Proposals extends Iterator<Proposal> {

    /**
     * The compiler rejected the rewrite this mutator proposed last; a mutator that learns from diagnostics
     * (the LLM coder) uses them for its next proposal. Ignored by default.
     */
    default void compileFailed(Mutation mutation, List<CompileDiagnostic> diagnostics) {
    }

    /** Proposals from a fixed list of rewrites, in order. */
    static Proposals of(List<Mutation> mutations) {
        Iterator<Mutation> it = List.copyOf(mutations).iterator();
        return new Proposals() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Proposal next() {
                return new Proposal.Rewrite(it.next());
            }
        };
    }

    /**
     * The proposals of several mutators one after the other, each started only when the ones before it are
     * spent; compile feedback goes to the mutator that made the rewrite.
     */
    static Proposals chain(List<Supplier<Proposals>> sources) {
        List<Supplier<Proposals>> rest = new ArrayList<>(sources);
        return new Proposals() {
            private Proposals current;

            @Override
            public boolean hasNext() {
                while (current == null || !current.hasNext()) {
                    if (rest.isEmpty()) {
                        return false;
                    }
                    current = rest.removeFirst().get();
                }
                return true;
            }

            @Override
            public Proposal next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("no proposal left");
                }
                return current.next();
            }

            @Override
            public void compileFailed(Mutation mutation, List<CompileDiagnostic> diagnostics) {
                if (current != null) {
                    current.compileFailed(mutation, diagnostics);
                }
            }
        };
    }
}
