package dev.chrysalis.evolution.mutate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.support.Build;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AstMutatorTest {
    static final String FILE = "src/main/java/x/Hooks.java";
    static final String SOURCE = """
            package x;

            import java.util.List;

            final class Hooks {
                // keep this comment
                int clamp(int v, int max) {
                    if (v > max) {
                        return max;
                    }
                    return v + 1;
                }

                void store(List<String> log, String text) {
                    log.add(text);
                    text = text.strip();
                    log.add(Math.max(1, 2) + text);
                }

                boolean both(boolean a, boolean b) {
                    return a && b;
                }
            }
            """;

    final AstMutator mutator = new AstMutator();

    @Test
    void everyOperatorFindsItsSitesAndKeepsTheRestOfTheFile() {
        List<Mutation> all = mutator.mutations(FILE, SOURCE, List.of());
        Set<Operator> ops = all.stream().map(Mutation::operator).collect(Collectors.toSet());
        assertEquals(Arrays.stream(Operator.values()).filter(Operator::ast).collect(Collectors.toSet()), ops, "every AST operator has a site in this file");
        for (Mutation m : all) {
            assertTrue(m.newSource().contains("// keep this comment"), m.describe());
            assertFalse(m.newSource().equals(SOURCE), m.describe());
        }
    }

    @Test
    void comparisonReplacementOffersTheFixForAFlippedComparison() {
        List<Mutation> ms = mutator.mutations(FILE, SOURCE, List.of("Hooks.clamp"));
        assertTrue(ms.stream().allMatch(m -> m.method().equals("Hooks.clamp")));
        Mutation ge = ms.stream().filter(m -> m.what().equals("'>' -> '>='")).findFirst().orElseThrow();
        assertTrue(ge.newSource().contains("if (v >= max)"), ge.newSource());
        assertEquals(8, ge.line());
        assertTrue(ms.stream().anyMatch(m -> m.operator() == Operator.OFF_BY_ONE && m.newSource().contains("return v + 2;")));
        assertTrue(ms.stream().anyMatch(m -> m.operator() == Operator.NEGATE_CONDITION && m.newSource().contains("if (!(v > max))")));
    }

    @Test
    void statementSwapReordersAdjacentStatementsAndGuardsWrapThem() {
        List<Mutation> ms = mutator.mutations(FILE, SOURCE, List.of("Hooks.store"));
        Mutation swap = ms.stream().filter(m -> m.operator() == Operator.STATEMENT_SWAP).findFirst().orElseThrow();
        assertTrue(swap.newSource().indexOf("text = text.strip();") < swap.newSource().indexOf("log.add(text);"), swap.newSource());
        assertTrue(ms.stream().anyMatch(m -> m.operator() == Operator.NULL_GUARD && m.newSource().contains("if (log != null)")));
        assertTrue(ms.stream().anyMatch(m -> m.operator() == Operator.ARGUMENT_SWAP && m.newSource().contains("Math.max(2, 1)")));
        assertTrue(ms.stream().anyMatch(m -> m.operator() == Operator.STATEMENT_DELETE && !m.newSource().contains("log.add(text);")));
    }

    @Test
    void aWrongConstantInAFieldInitializerCanBeChanged() {
        String source = """
                package x;

                final class Order {
                    static final int PRIORITY = 1000;

                    int priority() {
                        return PRIORITY;
                    }
                }
                """;
        List<Mutation> ms = mutator.mutations(FILE, source, List.of("Order.<clinit>"));
        assertTrue(ms.stream().anyMatch(m -> m.operator() == Operator.CONSTANT_CHANGE && m.newSource().contains("PRIORITY = 0;")
                && m.method().equals("Order.<clinit>")), ms.toString());
        assertTrue(mutator.mutations(FILE, source, List.of("Order.priority")).isEmpty(), "the method has no site of its own");
    }

    @Test
    void theSpectrumLineOfAStatementRanksAnEditOnItsSecondLine() {
        String source = """
                package x;

                final class Median {
                    int median(int[] s, int n) {
                        int m = n % 2 == 1 ? s[n / 2]
                                : s[n / 2 - 2];
                        return m;
                    }
                }
                """;
        var suspicion = new dev.chrysalis.evolution.locate.Suspicion(Map.of("Median.median", 1.0), Map.of(FILE + ":5", 1.0, FILE + ":7", 0.2), "test");
        var batch = new dev.chrysalis.evolution.evidence.Batch("b", "x", List.of(), List.of(), true);
        Proposals plan = mutator.propose(new MutationRequest(batch, Map.of(FILE, source), suspicion,
                new dev.chrysalis.evolution.search.OperatorStats(Path.of("unused-maa"), "x", 0.3)));
        int rank = 0;
        while (plan.hasNext()) {
            Mutation m = ((Proposal.Rewrite) plan.next()).mutation();
            if (m.newSource().contains("s[n / 2 - 1]")) {
                break;
            }
            rank++;
        }
        assertTrue(rank < 10, "the fix on line 6 counts with its statement on line 5 and comes early, got rank " + rank);
    }

    @Test
    void anEditThatWritesCodeThePluginAlreadyHasComesBeforeOneThatWritesNewCode() {
        String source = """
                package x;

                final class Lexer {
                    int scan(String s, int i, int n) {
                        if (s.charAt(i) == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
                            return 1;
                        }
                        if (s.charAt(i) == '*' && i + 1 < n && s.charAt(i + 2) == '*') {
                            return 2;
                        }
                        return 0;
                    }
                }
                """;
        var suspicion = new dev.chrysalis.evolution.locate.Suspicion(Map.of("Lexer.scan", 1.0), Map.of(), "test");
        var batch = new dev.chrysalis.evolution.evidence.Batch("b", "x", List.of(), List.of(), true);
        Proposals plan = mutator.propose(new MutationRequest(batch, Map.of("src/main/java/x/Lexer.java", source), suspicion,
                new dev.chrysalis.evolution.search.OperatorStats(Path.of("unused-maa"), "x", 0.3)));
        int reuse = -1;
        int guard = -1;
        for (int rank = 0; plan.hasNext(); rank++) {
            Mutation m = ((Proposal.Rewrite) plan.next()).mutation();
            if (m.newSource().contains("i + 1 < n && s.charAt(i + 1) == '*'")) {
                reuse = rank;
            } else if (m.newSource().contains("i + 2 < n && s.charAt(i + 2) == '*'")) {
                guard = rank;
            }
        }
        assertTrue(reuse >= 0 && guard >= 0, "both edits are proposed");
        assertTrue(reuse < guard, "s.charAt(i + 1) is already in the method, i + 2 < n is not: " + reuse + " vs " + guard);
    }

    /**
     * Edits inside expressions are written as text splices; on the shipped plugin sources (every third method of each
     * file) they give exactly the files JDT's ASTRewrite writes for the same edits, in the same order. (Statement edits
     * are written by ASTRewrite either way.)
     */
    static final Set<Operator> EXPRESSION_EDITS = java.util.EnumSet.of(Operator.COMPARISON_REPLACE, Operator.OPERATOR_REPLACE,
            Operator.OFF_BY_ONE, Operator.CONSTANT_CHANGE, Operator.ARGUMENT_SWAP, Operator.NEGATE_CONDITION);

    @Test
    void splicedEditsWriteWhatAstRewriteWritesOnEveryShippedSource() throws java.io.IOException {
        AstMutator reference = new AstMutator(AstMutator.Writing.AST_REWRITE);
        List<Path> sources;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(Build.projectRoot())) {
            sources = s.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && (p.startsWith(Build.projectRoot().resolve("skills")) || p.startsWith(Build.projectRoot().resolve("plugins/harness"))
                    || p.startsWith(Build.projectRoot().resolve("examples")))).sorted().toList();
        }
        assertTrue(sources.size() >= 20, "shipped sources found: " + sources.size());
        int compared = 0;
        for (Path p : java.util.stream.Stream.concat(sources.stream(), java.util.stream.Stream.of(Path.of(FILE))).toList()) {
            String text = p.toString().equals(FILE) ? SOURCE : java.nio.file.Files.readString(p);
            // every third method of each file keeps the reference's cost (a formatter per edit) to seconds
            List<MethodLocation> all = mutator.methods(p.toString(), text);
            List<String> methods = java.util.stream.IntStream.range(0, all.size()).filter(i -> i % 3 == 0).mapToObj(i -> all.get(i).method()).toList();
            if (methods.isEmpty()) {
                continue;
            }
            List<Mutation> spliced = mutator.mutations(p.toString(), text, methods, EXPRESSION_EDITS);
            List<Mutation> rewritten = reference.mutations(p.toString(), text, methods, EXPRESSION_EDITS);
            assertEquals(rewritten.size(), spliced.size(), p.toString());
            for (int i = 0; i < spliced.size(); i++) {
                assertEquals(rewritten.get(i), spliced.get(i), p + ": " + rewritten.get(i).describe());
            }
            compared += spliced.size();
        }
        assertTrue(compared > 1000, "mutations compared: " + compared);
    }

    @Test
    void listsMethodsWithTheirTypes() {
        assertEquals(List.of("Hooks.clamp", "Hooks.store", "Hooks.both"),
                mutator.methods(FILE, SOURCE).stream().map(MethodLocation::method).toList());
    }
}
