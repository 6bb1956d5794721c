package dev.chrysalis.evolution.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageAndJournalTest {

    @Test
    void onlyTheDesignedTransitionsAreLegal() {
        assertTrue(Stage.LOCATE.canMoveTo(Stage.PLAN));
        assertTrue(Stage.COMPILE.canMoveTo(Stage.MUTATE), "a compile error goes back to the mutator");
        assertTrue(Stage.VERDICT.canMoveTo(Stage.HANDED_TO_GOVERNANCE));
        assertFalse(Stage.TRIAL.canMoveTo(Stage.HANDED_TO_GOVERNANCE), "no hand-over without a verdict");
        assertFalse(Stage.COMPILE.canMoveTo(Stage.TRIAL), "no trial without a bundle");
        assertFalse(Stage.MUTATE.canMoveTo(Stage.VERDICT));
        for (Stage s : Stage.values()) {
            assertEquals(!s.terminal(), s.canMoveTo(Stage.ABANDONED), s + " can be abandoned unless it is over");
            if (s.terminal()) {
                for (Stage t : Stage.values()) {
                    assertFalse(s.canMoveTo(t), s + " is terminal");
                }
            }
        }
        assertEquals("HandedToGovernance", Stage.HANDED_TO_GOVERNANCE.label());
    }

    @Test
    void journalKeepsEveryTransitionAndSkipsATornLastLine(@TempDir Path dir) throws Exception {
        Journal j = new Journal(dir.resolve("evolution/journal.jsonl"));
        Transition a = new Transition("calc-1", 1, 0, Stage.LOCATE, Stage.PLAN, Instant.parse("2026-01-01T00:00:00Z"), "located");
        Transition b = new Transition("calc-1", 1, 1, Stage.MUTATE, Stage.COMPILE, Instant.parse("2026-01-01T00:00:01Z"), "evolve/calc-1/1");
        Transition other = new Transition("units-1", 1, 0, Stage.LOCATE, Stage.PLAN, Instant.parse("2026-01-01T00:00:02Z"), "x");
        j.append(a);
        j.append(b);
        j.append(other);
        Files.writeString(j.file(), "{\"batch\":\"calc-1\",\"attem", StandardOpenOption.APPEND);
        assertEquals(List.of(a, b), j.of("calc-1"));
        assertEquals(Optional.of(Stage.COMPILE), j.last("calc-1"));
        assertEquals(Optional.empty(), j.last("nope"));
    }
}
