package dev.chrysalis.governance.audit;

import dev.chrysalis.governance.store.GovernanceDatabase;
import dev.chrysalis.governance.store.GovernanceStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The append-only, hash-chained audit log (H2 table {@code audit_log}). Each row carries the SHA-256 of the
 * previous row's canonical content and its own; a trigger refuses UPDATE and DELETE; and after each append
 * the head (last sequence number and hash) is written to {@code audit.head} beside the database, so that
 * cutting rows off the end is detected too. {@link #verify()} finds edited, deleted, inserted and reordered
 * rows and names each.
 */
public final class AuditLog {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
    private static final String HEAD_FILE = "audit.head";

    private final GovernanceDatabase db;
    private final Clock clock;
    private final Path headFile;
    private final Object appendLock = new Object();

    public AuditLog(GovernanceDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.headFile = db.home().resolve(HEAD_FILE);
        db.execute("""
                CREATE TABLE IF NOT EXISTS audit_log (
                  id BIGINT PRIMARY KEY,
                  seq BIGINT NOT NULL,
                  at VARCHAR(40) NOT NULL,
                  actor VARCHAR(200) NOT NULL,
                  kind VARCHAR(100) NOT NULL,
                  subject VARCHAR(1000) NOT NULL,
                  detail CHARACTER LARGE OBJECT NOT NULL,
                  prev_hash CHAR(64) NOT NULL,
                  hash CHAR(64) NOT NULL)""",
                "CREATE TABLE IF NOT EXISTS audit_lock (id INT PRIMARY KEY)",
                "MERGE INTO audit_lock KEY (id) VALUES (1)",
                "CREATE TRIGGER IF NOT EXISTS audit_log_append_only BEFORE UPDATE, DELETE ON audit_log FOR EACH ROW CALL '"
                        + AppendOnlyTrigger.class.getName() + "'");
        removeStaleTempFiles();
    }

    /** Removes anchor temp files a crash left behind (they were never moved into place, so they mean nothing). */
    private void removeStaleTempFiles() {
        try (var files = Files.list(headFile.getParent())) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith(HEAD_FILE + ".")
                    && f.getFileName().toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot tidy " + headFile.getParent() + ": " + e.getMessage());
        }
    }

    /** Appends one row and returns it; {@code detail} may be empty, never null. */
    public AuditEntry append(String actor, String kind, String subject, String detail) {
        synchronized (appendLock) {
            for (int attempt = 1; ; attempt++) {
                try (Connection c = db.connection()) {
                    c.setAutoCommit(false);
                    // one appender at a time across every AuditLog on this database: the row lock is held to commit
                    try (var lock = c.createStatement()) {
                        lock.executeQuery("SELECT id FROM audit_lock WHERE id = 1 FOR UPDATE").close();
                    }
                    Optional<AuditEntry> last = last(c);
                    long seq = last.map(e -> e.seq() + 1).orElse(1L);
                    String prev = last.map(AuditEntry::hash).orElse(AuditEntry.GENESIS);
                    Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
                    String hash = hash(seq, at, actor, kind, subject, detail, prev);
                    var entry = new AuditEntry(seq, at, actor, kind, subject, detail, prev, hash);
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO audit_log (id, seq, at, actor, kind, subject, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)")) {
                        ps.setLong(1, seq);
                        ps.setLong(2, seq);
                        ps.setString(3, at.toString());
                        ps.setString(4, actor);
                        ps.setString(5, kind);
                        ps.setString(6, subject);
                        ps.setString(7, detail);
                        ps.setString(8, prev);
                        ps.setString(9, hash);
                        ps.executeUpdate();
                    }
                    c.commit();
                    writeHead(seq, hash);
                    return entry;
                } catch (SQLException e) {
                    boolean contention = "23505".equals(e.getSQLState()) || "HYT00".equals(e.getSQLState())
                            || "90131".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
                    if (attempt >= 10 || !contention) {
                        throw new GovernanceStoreException("cannot append audit row '" + kind + "' for " + subject + ": " + e.getMessage(), e);
                    }
                    // another writer held the lock too long or took the same sequence number: read the new head and try again
                }
            }
        }
    }

    /** All rows, in chain order (for display: use {@link #verify()} to know whether to trust them). */
    public List<AuditEntry> entries() {
        return query("SELECT * FROM audit_log ORDER BY id");
    }

    /** The newest {@code limit} rows, newest first. */
    public List<AuditEntry> latest(int limit) {
        return query("SELECT * FROM audit_log ORDER BY id DESC LIMIT " + Math.max(0, limit));
    }

    /** Rows whose subject starts with {@code subjectPrefix}, in chain order. */
    public List<AuditEntry> about(String subjectPrefix) {
        String pattern = subjectPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT * FROM audit_log WHERE subject LIKE ? ESCAPE '\\' ORDER BY id")) {
            ps.setString(1, pattern);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    private List<AuditEntry> query(String sql) {
        try (Connection c = db.connection(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<AuditEntry> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot read the audit log: " + e.getMessage(), e);
        }
    }

    /** Walks the whole chain and the head anchor; says which rows are wrong and how. */
    public AuditVerification verify() {
        // the anchor is written after its row commits, so reading it first never runs ahead of the rows read next
        Optional<Head> head = readHead();
        List<AuditVerification.Problem> problems = new ArrayList<>();
        long rows = 0;
        long expectedId = 1;
        String prevHash = AuditEntry.GENESIS;
        long prevId = 0;
        long lastId = 0;
        String lastHash = AuditEntry.GENESIS;
        try (Connection c = db.connection(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, seq, at, actor, kind, subject, detail, prev_hash, hash FROM audit_log ORDER BY id")) {
            while (rs.next()) {
                rows++;
                long id = rs.getLong("id");
                AuditEntry e;
                try {
                    e = read(rs);
                } catch (RuntimeException bad) {
                    problems.add(new AuditVerification.Problem(id, "cannot be read (" + bad.getMessage() + "): edited"));
                    prevHash = rs.getString("hash");
                    prevId = id;
                    expectedId = id + 1;
                    continue;
                }
                if (id > expectedId) {
                    problems.add(new AuditVerification.Problem(id, expectedId == id - 1
                            ? "row " + expectedId + " before it is missing (deleted)"
                            : "rows " + expectedId + ".." + (id - 1) + " before it are missing (deleted)"));
                }
                if (e.seq() != id) {
                    problems.add(new AuditVerification.Problem(id, "holds the entry written as row " + e.seq() + " (rows reordered or moved)"));
                }
                String recomputed = hash(e.seq(), e.at(), e.actor(), e.kind(), e.subject(), e.detail(), e.prevHash());
                if (!recomputed.equals(e.hash())) {
                    problems.add(new AuditVerification.Problem(id, "content does not match its stored hash (edited)"));
                }
                if (!e.prevHash().equals(prevHash)) {
                    problems.add(new AuditVerification.Problem(id, "its previous-hash does not match "
                            + (prevId == 0 ? "the start of the chain" : "row " + prevId)
                            + " (a row before it was deleted, inserted, edited or reordered)"));
                }
                prevHash = e.hash();
                prevId = id;
                expectedId = id + 1;
                lastId = id;
                lastHash = e.hash();
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot read the audit log: " + e.getMessage(), e);
        }
        if (head.isPresent()) {
            Head h = head.get();
            if (h.seq() > lastId) {
                problems.add(new AuditVerification.Problem(lastId + 1, (h.seq() == lastId + 1 ? "row " + h.seq()
                        : "rows " + (lastId + 1) + ".." + h.seq()) + " at the end are missing (deleted; the head anchor says the log reached row " + h.seq() + ")"));
            } else if (h.seq() == lastId && !h.hash().equals(lastHash)) {
                problems.add(new AuditVerification.Problem(lastId, "differs from the head anchor (the end of the log was rewritten)"));
            } else if (h.seq() < lastId) {
                String anchored = hashOfRow(h.seq());
                if (!h.hash().equals(anchored)) {
                    problems.add(new AuditVerification.Problem(h.seq(), "differs from the head anchor (rewritten)"));
                }
            }
        } else if (rows > 0) {
            problems.add(new AuditVerification.Problem(lastId, "the head anchor " + headFile + " is missing (deleted), so cut-off rows cannot be ruled out"));
        }
        return problems.isEmpty() ? new AuditVerification.Intact(rows, lastHash) : new AuditVerification.Broken(rows, problems);
    }

    private String hashOfRow(long id) {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_log WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("cannot read audit row " + id + ": " + e.getMessage(), e);
        }
    }

    private static Optional<AuditEntry> last(Connection c) throws SQLException {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")) {
            return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
    }

    private static AuditEntry read(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong("seq"), Instant.parse(rs.getString("at")), rs.getString("actor"),
                rs.getString("kind"), rs.getString("subject"), rs.getString("detail"), rs.getString("prev_hash").strip(),
                rs.getString("hash").strip());
    }

    /** SHA-256 of the canonical content: every field length-prefixed, so no two different rows share a text. */
    static String hash(long seq, Instant at, String actor, String kind, String subject, String detail, String prevHash) {
        StringBuilder sb = new StringBuilder("chrysalis-audit-v1\n");
        for (String field : new String[] {Long.toString(seq), at.toString(), actor, kind, subject, detail, prevHash}) {
            sb.append(field.length()).append(':').append(field).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private record Head(long seq, String hash) {
    }

    private Optional<Head> readHead() {
        if (!Files.exists(headFile)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(headFile).strip().split(" ");
            return Optional.of(new Head(Long.parseLong(parts[0]), parts[1]));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "audit head anchor " + headFile + " is unreadable: " + e.getMessage());
            return Optional.of(new Head(Long.MAX_VALUE, "unreadable"));
        }
    }

    /** Replaces the anchor atomically and durably; it only ever moves forward. A failure is logged, never thrown. */
    private void writeHead(long seq, String hash) {
        try {
            Optional<Head> current = readHead();
            if (current.isPresent() && current.get().seq() >= seq && current.get().seq() != Long.MAX_VALUE) {
                return;
            }
            Path tmp = Files.createTempFile(headFile.getParent(), HEAD_FILE + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap((seq + " " + hash + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, headFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the row itself is committed; a lagging anchor only narrows what verify() can prove about the tail
            LOG.log(System.Logger.Level.ERROR, "cannot write the audit head anchor " + headFile + " for row " + seq
                    + ": " + e.getMessage(), e);
        }
    }
}
