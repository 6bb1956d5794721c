package dev.chrysalis.governance.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.store.GovernanceStoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;
    GovernanceDatabase db;
    AuditLog log;

    @BeforeEach
    void sixRows() {
        db = GovernanceDatabase.open(dir);
        log = new AuditLog(db, Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC));
        for (int i = 1; i <= 6; i++) {
            log.append("alice", "test.step", "calc@" + i, "detail " + i);
        }
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** What an attacker with SQL access does first: remove the append-only guard. */
    private void sql(String... statements) throws SQLException {
        try (Connection c = db.connection(); var s = c.createStatement()) {
            s.execute("DROP TRIGGER IF EXISTS audit_log_append_only");
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    private List<AuditVerification.Problem> problems() {
        return assertInstanceOf(AuditVerification.Broken.class, log.verify()).problems();
    }

    @Test
    void untouchedChainVerifiesAndSurvivesReopening() {
        var ok = assertInstanceOf(AuditVerification.Intact.class, log.verify());
        assertEquals(6, ok.rows());
        db.close();
        db = GovernanceDatabase.open(dir);
        log = new AuditLog(db, Clock.systemUTC());
        AuditEntry seventh = log.append("bob", "test.step", "calc@7", "");
        assertEquals(7, seventh.seq());
        assertEquals(log.entries().get(5).hash(), seventh.prevHash());
        assertInstanceOf(AuditVerification.Intact.class, log.verify());
    }

    @Test
    void concurrentAppendsFromTwoLogsOnOneDatabaseKeepOneUnbrokenChain() throws Exception {
        var other = new AuditLog(db, Clock.systemUTC());
        var futures = new java.util.ArrayList<java.util.concurrent.Future<Object>>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                AuditLog writer = t % 2 == 0 ? log : other;
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        writer.append("t" + thread, "test.concurrent", "x@" + i, "");
                    }
                    return null;
                }));
            }
        }
        for (var f : futures) {
            f.get();
        }
        var ok = assertInstanceOf(AuditVerification.Intact.class, log.verify());
        assertEquals(66, ok.rows());
    }

    @Test
    void rowsAboutASubjectAreFoundByPrefixWithoutWildcards() {
        assertEquals(List.of("calc@3"), log.about("calc@3").stream().map(AuditEntry::subject).toList());
        assertEquals(6, log.about("calc@").size());
        assertEquals(List.of(), log.about("calc_"), "'_' is a character, not a wildcard");
        assertEquals(List.of(), log.about("%"));
    }

    @Test
    void updatesAndDeletesAreRefusedByTheTable() {
        try (Connection c = db.connection(); var s = c.createStatement()) {
            var e = assertThrows(SQLException.class, () -> s.execute("UPDATE audit_log SET detail = 'x' WHERE id = 2"));
            assertTrue(e.getMessage().contains("append-only"), e.getMessage());
            assertThrows(SQLException.class, () -> s.execute("DELETE FROM audit_log WHERE id = 2"));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        assertInstanceOf(AuditVerification.Intact.class, log.verify());
    }

    @Test
    void editedRowIsNamed() throws SQLException {
        sql("UPDATE audit_log SET detail = 'approved by nobody' WHERE id = 3");
        assertEquals(List.of(new AuditVerification.Problem(3, "content does not match its stored hash (edited)")), problems());
    }

    @Test
    void editedRowWithRecomputedHashIsCaughtByTheNextLink() throws SQLException {
        AuditEntry e3 = log.entries().get(2);
        String forged = AuditLog.hash(3, e3.at(), e3.actor(), e3.kind(), e3.subject(), "forged", e3.prevHash());
        sql("UPDATE audit_log SET detail = 'forged', hash = '" + forged + "' WHERE id = 3");
        assertEquals(List.of(new AuditVerification.Problem(4,
                "its previous-hash does not match row 3 (a row before it was deleted, inserted, edited or reordered)")), problems());
    }

    @Test
    void deletedMiddleRowIsNamed() throws SQLException {
        sql("DELETE FROM audit_log WHERE id = 4");
        List<AuditVerification.Problem> p = problems();
        assertEquals(new AuditVerification.Problem(5, "row 4 before it is missing (deleted)"), p.get(0));
        assertEquals(5, p.get(1).rowId());
        assertEquals(2, p.size());
    }

    @Test
    void deletedTailRowsAreCaughtByTheHeadAnchor() throws SQLException {
        sql("DELETE FROM audit_log WHERE id >= 5");
        assertEquals(List.of(new AuditVerification.Problem(5,
                "rows 5..6 at the end are missing (deleted; the head anchor says the log reached row 6)")), problems());
    }

    @Test
    void reorderedRowsAreNamed() throws SQLException {
        // swap the whole contents of rows 2 and 5, keeping their positions
        sql("CREATE TABLE t AS SELECT * FROM audit_log WHERE id IN (2, 5)",
                "UPDATE audit_log a SET (seq, at, actor, kind, subject, detail, prev_hash, hash) = "
                        + "(SELECT seq, at, actor, kind, subject, detail, prev_hash, hash FROM t WHERE t.id = 7 - a.id) WHERE a.id IN (2, 5)");
        List<AuditVerification.Problem> p = problems();
        assertTrue(p.contains(new AuditVerification.Problem(2, "holds the entry written as row 5 (rows reordered or moved)")), p.toString());
        assertTrue(p.contains(new AuditVerification.Problem(5, "holds the entry written as row 2 (rows reordered or moved)")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.rowId() == 3 && x.what().startsWith("its previous-hash does not match row 2")), p.toString());
        assertTrue(p.stream().noneMatch(x -> x.what().contains("edited)")), p.toString());
    }

    @Test
    void rewrittenTailIsCaughtByTheHeadAnchor() throws SQLException {
        AuditEntry e6 = log.entries().get(5);
        String forged = AuditLog.hash(6, e6.at(), e6.actor(), e6.kind(), e6.subject(), "forged", e6.prevHash());
        sql("UPDATE audit_log SET detail = 'forged', hash = '" + forged + "' WHERE id = 6");
        assertEquals(List.of(new AuditVerification.Problem(6, "differs from the head anchor (the end of the log was rewritten)")), problems());
    }

    @Test
    void nullNeverEntersTheLog() {
        assertThrows(NullPointerException.class, () -> log.append("a", "k", "s", null));
        assertThrows(GovernanceStoreException.class, () -> log.append("x".repeat(300), "k", "s", ""));
        assertInstanceOf(AuditVerification.Intact.class, log.verify());
    }
}
