package dev.chrysalis.evolution.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.build.CompileDiagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ProposalsTest {
    static Mutation rewrite(String what) {
        return new Mutation(Operator.CONSTANT_CHANGE, "src/main/java/x/A.java", "A.f", 3, what, "class A {}");
    }

    @Test
    void chainAsksEachMutatorOnlyWhenTheOnesBeforeAreSpentAndSendsCompileErrorsToTheOneThatProposed() {
        List<String> started = new ArrayList<>();
        List<String> feedback = new ArrayList<>();
        Supplier<Proposals> first = () -> {
            started.add("first");
            return Proposals.of(List.of(rewrite("a"), rewrite("b")));
        };
        Supplier<Proposals> second = () -> {
            started.add("second");
            Proposals inner = Proposals.of(List.of(rewrite("c")));
            return new Proposals() {
                @Override
                public boolean hasNext() {
                    return inner.hasNext();
                }

                @Override
                public Proposal next() {
                    return inner.next();
                }

                @Override
                public void compileFailed(Mutation mutation, List<CompileDiagnostic> diagnostics) {
                    feedback.add(mutation.what() + ": " + diagnostics.getFirst().message());
                }
            };
        };
        Proposals chain = Proposals.chain(List.of(first, second));
        assertEquals(List.of(), started, "nothing is asked before the first pull");
        List<String> seen = new ArrayList<>();
        while (chain.hasNext()) {
            Proposal p = chain.next();
            Mutation m = ((Proposal.Rewrite) p).mutation();
            seen.add(m.what());
            chain.compileFailed(m, List.of(new CompileDiagnostic(m.file(), 1, "ERROR", "broken " + m.what())));
            if (m.what().equals("a")) {
                assertEquals(List.of("first"), started, "the second mutator waits until the first is spent");
            }
        }
        assertEquals(List.of("a", "b", "c"), seen);
        assertEquals(List.of("c: broken c"), feedback, "only the second mutator's own rewrite came back to it");
        assertFalse(chain.hasNext());
        assertThrows(NoSuchElementException.class, chain::next);
    }

    @Test
    void aMutationListsEveryFileItChangesFirstFileFirst() {
        Mutation m = new Mutation(Operator.LLM_CODER, "src/main/java/x/A.java", "A.f", 3, "two files", "class A {}",
                Map.of("src/main/java/x/B.java", "class B {}"));
        assertEquals(List.of("src/main/java/x/A.java", "src/main/java/x/B.java"), List.copyOf(m.changes().keySet()));
        assertThrows(IllegalArgumentException.class, () -> new Mutation(Operator.LLM_CODER, "a", "A.f", 1, "w", "x", Map.of("a", "y")));
        assertTrue(Operator.STATEMENT_DELETE.ast());
        assertFalse(Operator.LLM_CODER.ast());
    }
}
