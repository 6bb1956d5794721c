package dev.chrysalis.host.evolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.pipeline.Stage;
import dev.chrysalis.evolution.pipeline.Transition;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which stored batches a plain {@code evolve} picks up again, and the batch list's bookkeeping. */
class EvolveResumeTest {
    static Transition t(Stage from, Stage to, String detail) {
        return new Transition("calculator-1", 1, 0, from, to, Instant.parse("2026-12-02T10:00:00Z"), detail);
    }

    @Test
    void aBatchThatNeverRanWasInterruptedOrFailedIsPickedUpAgain() {
        assertTrue(Evolve.unfinished(List.of()), "sealed but never run");
        assertTrue(Evolve.unfinished(List.of(t(Stage.LOCATE, Stage.PLAN, "located"), t(Stage.PLAN, Stage.MUTATE, "planned"))),
                "killed mid-run: the journal's last stage is live");
        assertTrue(Evolve.unfinished(List.of(t(Stage.MUTATE, Stage.ABANDONED, "interrupted"))), "Ctrl-C");
        assertTrue(Evolve.unfinished(List.of(t(Stage.TRIAL, Stage.FAILED, "SandboxException: worker died"))), "an error of ours");
    }

    @Test
    void aBatchThatEndedIsLeftAlone() {
        assertFalse(Evolve.unfinished(List.of(t(Stage.VERDICT, Stage.HANDED_TO_GOVERNANCE, "evolve/calculator-1/3 abc"))));
        assertFalse(Evolve.unfinished(List.of(t(Stage.MUTATE, Stage.ABANDONED, "candidate budget of 60 spent"))));
    }

    @Test
    void batchIdsCountPerPluginAndEvidenceIsAssignedOnce(@TempDir Path home) {
        BatchBook book = BatchBook.open(home);
        assertEquals("calculator-1", book.nextId("calculator"));
        book.add(new BatchBook.StoredBatch("calculator-1", "calculator", List.of(3L, 4L), Instant.parse("2026-12-02T10:00:00Z")));
        BatchBook reopened = BatchBook.open(home);
        assertEquals("calculator-2", reopened.nextId("calculator"));
        assertEquals("units-1", reopened.nextId("units"));
        assertEquals(java.util.Set.of(3L, 4L), reopened.assigned());
        EvolveException twice = assertThrows(EvolveException.class, () -> reopened.add(reopened.all().getFirst()));
        assertTrue(twice.getMessage().contains("calculator-1 exists already"), twice.getMessage());
    }

    @Test
    void aStopEndsTheRunAtItsNextLiveStageOnceAndNeverBeforeAVerdictIsHandedOver() {
        java.util.List<Transition> seen = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        var view = Evolve.stoppable(seen::add, stop::get);
        view.accept(t(Stage.LOCATE, Stage.PLAN, "located"));
        stop.set(true);
        view.accept(t(Stage.TRIAL, Stage.VERDICT, "1/1 evidence fixed"));
        view.accept(t(Stage.VERDICT, Stage.HANDED_TO_GOVERNANCE, "evolve/calculator-1/1 abc"));
        StopRequested stopped = assertThrows(StopRequested.class, () -> view.accept(t(Stage.VERDICT, Stage.MUTATE, "not passed")));
        assertTrue(stopped.getMessage().contains("the next 'evolve' resumes this batch"), stopped.getMessage());
        view.accept(t(Stage.MUTATE, Stage.FAILED, "StopRequested: stopped"));
        view.accept(t(Stage.MUTATE, Stage.COMPILE, "only once"));
        assertEquals(6, seen.size(), "every transition is still shown");
        assertTrue(Evolve.unfinished(List.of(seen.get(4))), "a stopped run is picked up again");
    }

    @Test
    void badBudgetsAreClearErrors() {
        EvolveException budget = assertThrows(EvolveException.class, () -> new Evolve.Options(java.util.Optional.empty(),
                java.util.Optional.empty(), 0, java.time.Duration.ofSeconds(10)));
        assertTrue(budget.getMessage().contains("--budget must be at least 1"), budget.getMessage());
        EvolveException time = assertThrows(EvolveException.class, () -> new Evolve.Options(java.util.Optional.empty(),
                java.util.Optional.empty(), 5, java.time.Duration.ZERO));
        assertTrue(time.getMessage().contains("--time must be a positive"), time.getMessage());
    }
}
