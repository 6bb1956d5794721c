package dev.chrysalis.evolution.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayOutcome;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jdt.core.dom.Statement;
import org.junit.jupiter.api.Test;

/** The spectrum's backward slice from the wrong output: fields named by a mismatch, statements naming them, their conditions. */
class OutputSliceTest {
    static final String FILE = "src/main/java/x/Stats.java";
    static final String SOURCE = """
            package x;

            import java.util.Map;

            final class Stats {
                static void of(Map<String, Integer> out, int n, int sum) {
                    out.put("count", n);
                    int mean = sum / n;
                    out.put("mean", mean);
                    if (n > 2) {
                        int spread = sum - mean;
                        out.put("stddev", spread);
                    }
                }
            }
            """;

    @Test
    void theFieldsOfAMismatchAreTheLastNamesOfItsPaths() {
        ReplayCase c = new ReplayCase("c", "x", JsonNodeFactory.instance.objectNode(), Optional.of(JsonNodeFactory.instance.objectNode()), Optional.empty(),
                Instant.EPOCH, 0, Map.of(), 0);
        assertEquals(Set.of("median", "rows"), SpectrumLocator.wrongFields(new ReplayOutcome.Mismatch(c,
                "$.columns[0].median: expected 2.5, got 2; $.rows: expected 3, got 2")));
        assertEquals(Set.of(), SpectrumLocator.wrongFields(new ReplayOutcome.WrongError(c, "threw java.lang.IndexOutOfBoundsException")));
    }

    @Test
    void aMissingFieldSlicesTheStatementNamingItAndTheConditionAroundIt() {
        Map<String, String> methods = new HashMap<>();
        Map<String, Statement> statements = new HashMap<>();
        SpectrumLocator.instrument(FILE, SOURCE, methods, statements);
        Set<String> slice = SpectrumLocator.outputSlice(statements, methods, Set.of("stddev"));
        assertEquals(Set.of(FILE + ":10", FILE + ":12"), slice, "the put of stddev and the if guarding it");
        assertEquals(Set.of(FILE + ":8", FILE + ":9", FILE + ":10", FILE + ":11"), SpectrumLocator.outputSlice(statements, methods, Set.of("mean")),
                "the local named mean, the put of \"mean\", the statement using mean and the if around it");
    }

    @Test
    void manyWrongFieldsSayTheWholeAnswerIsWrongAndSliceNothing() {
        Map<String, String> methods = new HashMap<>();
        Map<String, Statement> statements = new HashMap<>();
        SpectrumLocator.instrument(FILE, SOURCE, methods, statements);
        assertTrue(SpectrumLocator.outputSlice(statements, methods, Set.of("count", "mean", "stddev")).isEmpty());
    }
}
