package dev.chrysalis.governance.promotion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionJournalTest {
    @TempDir
    Path dir;

    static JournalRecord record(PromotionState s, JournalRecord.Phase p) {
        return new JournalRecord("p#1", "p", "c".repeat(64), "l".repeat(64), "/tmp/c.jar", s, p, "why \"quoted\"\nnewline",
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void recordsRoundTripInOrder() {
        var j = new PromotionJournal(dir, "p");
        j.append(record(PromotionState.CLEARED, JournalRecord.Phase.DONE));
        j.append(record(PromotionState.SHADOW, JournalRecord.Phase.BEGIN));
        assertEquals(List.of(record(PromotionState.CLEARED, JournalRecord.Phase.DONE), record(PromotionState.SHADOW, JournalRecord.Phase.BEGIN)),
                j.read());
    }

    @Test
    void aTornLastWriteIsIgnoredAndCutBeforeTheNextAppend() throws Exception {
        var j = new PromotionJournal(dir, "p");
        j.append(record(PromotionState.CLEARED, JournalRecord.Phase.DONE));
        Files.writeString(j.file(), "1234abcd {\"promotion\":\"p#1\",\"sta", StandardOpenOption.APPEND);
        assertEquals(1, j.read().size());
        j.append(record(PromotionState.SHADOW, JournalRecord.Phase.BEGIN));
        assertEquals(2, j.read().size());
        assertEquals(PromotionState.SHADOW, j.read().getLast().state());
    }

    @Test
    void aDamagedLineBeforeTheLastIsAnErrorNamingTheLine() throws Exception {
        var j = new PromotionJournal(dir, "p");
        j.append(record(PromotionState.CLEARED, JournalRecord.Phase.DONE));
        j.append(record(PromotionState.SHADOW, JournalRecord.Phase.BEGIN));
        j.append(record(PromotionState.SHADOW, JournalRecord.Phase.DONE));
        List<String> lines = Files.readAllLines(j.file());
        Files.write(j.file(), List.of(lines.get(0), lines.get(1).replace("BEGIN", "DONE!"), lines.get(2)));
        var e = assertThrows(PromotionException.class, j::read);
        assertTrue(e.getMessage().endsWith("line 2 is damaged (not a torn last write)"), e.getMessage());
    }

    @Test
    void pluginNamesThatCouldEscapeTheDirectoryAreRefused() {
        assertThrows(PromotionException.class, () -> new PromotionJournal(dir, "../etc/passwd"));
    }
}
