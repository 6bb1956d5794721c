package dev.chrysalis.host.evidence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.hook.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The evidence store: every session, turn, tool call (exact input and output), the SHA-256 of each bundle
 * that served a turn, failures and user flags, and the history of bundle changes. An embedded H2 file
 * database in {@code <data dir>/evidence/evidence.mv.db}.
 *
 * <p>Each turn is written in one transaction and committed before {@link #recordTurn} returns, with
 * {@code WRITE_DELAY=0} so the commit reaches the file at once: a host killed after that loses nothing.
 * {@code AUTO_SERVER} lets a second process (e.g. {@code chrysalis evidence list} beside a running shell)
 * read the same database.
 */
public final class EvidenceStore implements AutoCloseable {
    public static final String FOLDER = "evidence";
    private static final System.Logger LOG = System.getLogger(EvidenceStore.class.getName());
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final Path home;
    private final JdbcConnectionPool pool;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    private EvidenceStore(Path home, JdbcConnectionPool pool, Clock clock) {
        this.home = home;
        this.pool = pool;
        this.clock = clock;
    }

    /** Opens (creating or migrating as needed) the store under {@code dataDir}/evidence. */
    public static EvidenceStore open(Path dataDir, Clock clock) {
        Path home = dataDir.toAbsolutePath().normalize().resolve(FOLDER);
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new EvidenceStoreException("cannot create evidence directory " + home + ": " + e, e);
        }
        String url = "jdbc:h2:file:" + home.resolve("evidence") + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "chrysalis", "");
        pool.setMaxConnections(32);
        var store = new EvidenceStore(home, pool, clock);
        try (Connection c = pool.getConnection()) {
            int before = EvidenceSchema.migrate(c, clock, home.toString());
            if (before == 0) {
                LOG.log(System.Logger.Level.DEBUG, "evidence database created in {0}", home);
            } else if (before != EvidenceSchema.CURRENT) {
                LOG.log(System.Logger.Level.INFO, "evidence schema in {0} migrated from version {1} to {2}",
                        home, before, EvidenceSchema.CURRENT);
            }
        } catch (SQLException e) {
            pool.dispose();
            throw new EvidenceStoreException("cannot open evidence database in " + home + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        return store;
    }

    public static EvidenceStore open(Path dataDir) {
        return open(dataDir, Clock.systemUTC());
    }

    /** The folder holding the database files. */
    public Path home() {
        return home;
    }

    /** The schema version of the open database. */
    public int schemaVersion() {
        return query("read schema version", c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    // ---------------------------------------------------------------- writing

    /** Notes a session (idempotent); turns create their session on their own when needed. */
    public void openSession(String sessionId, Instant started) {
        transaction("open session '" + sessionId + "'", c -> {
            ensureSession(c, sessionId, started);
            return null;
        });
    }

    /**
     * Stores a finished turn with its tool calls, bundle digests and failures, committed as one transaction.
     *
     * @return the stored turn (its id is also its evidence id)
     * @throws EvidenceStoreException if the session already has a turn with this index, or the database fails
     */
    public TurnRecord recordTurn(NewTurn turn) {
        long id = transaction("record turn " + turn.turnIndex() + " of session '" + turn.sessionId() + "'", c -> {
            ensureSession(c, turn.sessionId(), turn.started());
            try (var check = c.prepareStatement("SELECT id FROM turns WHERE session_id = ? AND turn_index = ?")) {
                check.setString(1, turn.sessionId());
                check.setInt(2, turn.turnIndex());
                try (var rs = check.executeQuery()) {
                    if (rs.next()) {
                        throw new EvidenceStoreException("session '" + turn.sessionId() + "' already has turn "
                                + turn.turnIndex() + " (stored as turn id " + rs.getLong(1) + ")");
                    }
                }
            }
            long turnId;
            try (var insert = c.prepareStatement("""
                    INSERT INTO turns(session_id, turn_index, started, finished, brain, user_message, answer, attributes_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", new String[] {"ID"})) {
                insert.setString(1, turn.sessionId());
                insert.setInt(2, turn.turnIndex());
                insert.setObject(3, turn.started());
                insert.setObject(4, turn.finished());
                insert.setString(5, turn.brain());
                insert.setString(6, turn.userMessage());
                insert.setString(7, turn.answer());
                insert.setString(8, writeJson(new TreeMap<>(turn.attributes())));
                insert.executeUpdate();
                try (var keys = insert.getGeneratedKeys()) {
                    keys.next();
                    turnId = keys.getLong(1);
                }
            }
            insertToolCalls(c, turnId, turn.toolCalls());
            insertBundles(c, turnId, turn.bundles());
            for (FailureReport f : turn.failures()) {
                insertFailure(c, turnId, turn.finished(), f);
            }
            return turnId;
        });
        return turn(id).orElseThrow(() -> new EvidenceStoreException("turn " + id + " vanished right after it was stored"));
    }

    /** Adds a failure (e.g. a replay mismatch found later) to a stored turn. */
    public Failure addFailure(long turnId, FailureReport report) {
        long id = transaction("add failure to turn " + turnId, c -> {
            requireTurn(c, turnId);
            return insertFailure(c, turnId, Instant.now(clock), report);
        });
        return failure(id);
    }

    /**
     * Marks a turn as evidence because a person said it was wrong. The plugin blamed is the skill of the
     * turn's last tool call, when it made one.
     *
     * @throws UnknownTurnException if no turn has this id
     */
    public Failure flag(long turnId, String why) {
        String reason = why.isBlank() ? "flagged by the user (no reason given)" : why.strip();
        long id = transaction("flag turn " + turnId, c -> {
            requireTurn(c, turnId);
            Optional<String> plugin = Optional.empty();
            try (var q = c.prepareStatement("SELECT skill FROM tool_calls WHERE turn_id = ? ORDER BY ordinal DESC LIMIT 1")) {
                q.setLong(1, turnId);
                try (var rs = q.executeQuery()) {
                    if (rs.next()) {
                        plugin = Optional.of(rs.getString(1));
                    }
                }
            }
            return insertFailure(c, turnId, Instant.now(clock),
                    new FailureReport(FailureKind.USER_FLAG, plugin, reason, Optional.empty()));
        });
        return failure(id);
    }

    /** Records a change to the installed plugins. */
    public BundleEvent recordBundleEvent(BundleEvent event) {
        long id = transaction("record " + event.kind().label() + " event of '" + event.plugin() + "'", c -> {
            try (var insert = c.prepareStatement("""
                    INSERT INTO bundle_events(event_time, kind, plugin, from_digest, to_digest, detail)
                    VALUES (?, ?, ?, ?, ?, ?)""", new String[] {"ID"})) {
                insert.setObject(1, event.time());
                insert.setString(2, event.kind().label());
                insert.setString(3, event.plugin());
                setOptional(insert, 4, event.fromDigest());
                setOptional(insert, 5, event.toDigest());
                insert.setString(6, event.detail());
                insert.executeUpdate();
                try (var keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        return new BundleEvent(id, event.time(), event.kind(), event.plugin(), event.fromDigest(), event.toDigest(),
                event.detail());
    }

    // ---------------------------------------------------------------- reading

    /** A turn with its tool calls, bundle digests and failures. */
    public Optional<TurnRecord> turn(long turnId) {
        return query("read turn " + turnId, c -> {
            try (var q = c.prepareStatement(TURN_COLUMNS + " WHERE id = ?")) {
                q.setLong(1, turnId);
                try (var rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(readTurn(c, rs)) : Optional.<TurnRecord>empty();
                }
            }
        });
    }

    /** The newest {@code limit} turns of all sessions, oldest first. */
    public List<TurnRecord> recentTurns(int limit) {
        return recent(Optional.empty(), limit);
    }

    /** The newest {@code limit} turns of one session, oldest first. */
    public List<TurnRecord> recentTurns(String sessionId, int limit) {
        return recent(Optional.of(sessionId), limit);
    }

    /** The id of a session's turn, when it is stored. */
    public Optional<Long> turnId(String sessionId, int turnIndex) {
        return query("find turn " + turnIndex + " of '" + sessionId + "'", c -> {
            try (var q = c.prepareStatement("SELECT id FROM turns WHERE session_id = ? AND turn_index = ?")) {
                q.setString(1, sessionId);
                q.setInt(2, turnIndex);
                try (var rs = q.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    /** The highest turn index a session has stored, when it has any. */
    public Optional<Integer> lastTurnIndex(String sessionId) {
        return query("find last turn of '" + sessionId + "'", c -> {
            try (var q = c.prepareStatement("SELECT MAX(turn_index) FROM turns WHERE session_id = ?")) {
                q.setString(1, sessionId);
                try (var rs = q.executeQuery()) {
                    rs.next();
                    int max = rs.getInt(1);
                    return rs.wasNull() ? Optional.<Integer>empty() : Optional.of(max);
                }
            }
        });
    }

    /** The number of turns a session has stored. */
    public int turnCount(String sessionId) {
        return query("count turns of '" + sessionId + "'", c -> {
            try (var q = c.prepareStatement("SELECT COUNT(*) FROM turns WHERE session_id = ?")) {
                q.setString(1, sessionId);
                try (var rs = q.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Sessions, most recently active first. */
    public List<SessionSummary> sessions(int limit) {
        return query("list sessions", c -> {
            try (var q = c.prepareStatement("""
                    SELECT s.id, s.started, COUNT(t.id), COALESCE(MAX(t.finished), s.started) AS last_active
                    FROM sessions s LEFT JOIN turns t ON t.session_id = s.id
                    GROUP BY s.id, s.started ORDER BY last_active DESC, s.id LIMIT ?""")) {
                q.setInt(1, positive(limit));
                List<SessionSummary> out = new ArrayList<>();
                try (var rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SessionSummary(rs.getString(1), instant(rs, 2), rs.getInt(3), instant(rs, 4)));
                    }
                }
                return out;
            }
        });
    }

    /** Turns with failures or user flags, the most recently failed first. */
    public List<EvidenceSummary> evidence(int limit) {
        return query("list evidence", c -> {
            List<EvidenceSummary> out = new ArrayList<>();
            try (var q = c.prepareStatement("""
                    SELECT t.id, t.session_id, t.turn_index, t.finished, t.user_message, t.answer, MAX(f.id) AS newest
                    FROM turns t JOIN failures f ON f.turn_id = t.id
                    GROUP BY t.id, t.session_id, t.turn_index, t.finished, t.user_message, t.answer
                    ORDER BY newest DESC LIMIT ?""")) {
                q.setInt(1, positive(limit));
                try (var rs = q.executeQuery()) {
                    while (rs.next()) {
                        long turnId = rs.getLong(1);
                        List<Failure> failures = failures(c, turnId);
                        var kinds = new LinkedHashSet<FailureKind>();
                        failures.forEach(f -> kinds.add(f.kind()));
                        Optional<String> plugin = failures.reversed().stream()
                                .flatMap(f -> f.plugin().stream()).findFirst();
                        out.add(new EvidenceSummary(turnId, rs.getString(2), rs.getInt(3), instant(rs, 4),
                                rs.getString(5), rs.getString(6), List.copyOf(kinds), plugin,
                                failures.getFirst().message()));
                    }
                }
            }
            return out;
        });
    }

    /** Bundle changes, newest first. */
    public List<BundleEvent> bundleEvents(int limit) {
        return query("list bundle events", c -> {
            try (var q = c.prepareStatement("""
                    SELECT id, event_time, kind, plugin, from_digest, to_digest, detail
                    FROM bundle_events ORDER BY id DESC LIMIT ?""")) {
                q.setInt(1, positive(limit));
                List<BundleEvent> out = new ArrayList<>();
                try (var rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BundleEvent(rs.getLong(1), instant(rs, 2), BundleEventKind.fromLabel(rs.getString(3)),
                                rs.getString(4), Optional.ofNullable(rs.getString(5)),
                                Optional.ofNullable(rs.getString(6)), rs.getString(7)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Plugin -> SHA-256 of the jar the newest recorded install, swap or rollback made live (refusals
     * change nothing, so they do not count).
     */
    public Map<String, String> lastLiveDigests() {
        return query("read last live digests", c -> {
            Map<String, String> out = new TreeMap<>();
            try (var q = c.prepareStatement("""
                    SELECT plugin, to_digest FROM bundle_events WHERE id IN (
                      SELECT MAX(id) FROM bundle_events WHERE kind <> 'refused' AND to_digest IS NOT NULL GROUP BY plugin)""");
                 var rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Every evidence turn, oldest first, in full. Holds them all in memory: prefer {@link #forEachEvidence}. */
    public List<TurnRecord> allEvidence() {
        List<TurnRecord> out = new ArrayList<>();
        forEachEvidence(out::add);
        return out;
    }

    /**
     * Hands every evidence turn, oldest first, to {@code sink}, reading them a page at a time so an export
     * of a large store needs memory for one page, not for the whole store.
     */
    public void forEachEvidence(Consumer<TurnRecord> sink) {
        long after = 0;
        while (true) {
            long from = after;
            List<TurnRecord> page = query("read evidence", c -> {
                List<TurnRecord> out = new ArrayList<>();
                try (var q = c.prepareStatement(TURN_COLUMNS
                        + " WHERE id > ? AND EXISTS (SELECT 1 FROM failures f WHERE f.turn_id = turns.id) ORDER BY id LIMIT ?")) {
                    q.setLong(1, from);
                    q.setInt(2, EVIDENCE_PAGE);
                    try (var rs = q.executeQuery()) {
                        while (rs.next()) {
                            out.add(readTurn(c, rs));
                        }
                    }
                }
                return out;
            });
            page.forEach(sink);
            if (page.size() < EVIDENCE_PAGE) {
                return;
            }
            after = page.getLast().id();
        }
    }

    /**
     * Writes every evidence turn as one JSON line (see {@link EvidenceExport}), streaming page by page.
     *
     * @return how many lines were written
     */
    public int exportEvidence(Writer out) {
        var export = new EvidenceExport(json);
        int[] n = {0};
        try {
            forEachEvidence(t -> {
                try {
                    out.write(export.toJsonLine(t));
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                n[0]++;
            });
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            throw new UncheckedIOException("cannot write evidence export: " + cause.getMessage(), cause);
        }
        return n[0];
    }

    /**
     * Closes this process's connections. No {@code SHUTDOWN}: when another process serves the database
     * ({@code AUTO_SERVER}), that would close it under that process too; H2 closes the files itself when the
     * last connection goes.
     */
    @Override
    public void close() {
        pool.dispose();
    }

    // ---------------------------------------------------------------- internals

    /** Evidence turns read per query when streaming them out. */
    private static final int EVIDENCE_PAGE = 200;

    private static final String TURN_COLUMNS = """
            SELECT id, session_id, turn_index, started, finished, brain, user_message, answer, attributes_json FROM turns""";

    private List<TurnRecord> recent(Optional<String> sessionId, int limit) {
        return query("read recent turns", c -> {
            String sql = TURN_COLUMNS + (sessionId.isPresent() ? " WHERE session_id = ?" : "") + " ORDER BY id DESC LIMIT ?";
            try (var q = c.prepareStatement(sql)) {
                int i = 1;
                if (sessionId.isPresent()) {
                    q.setString(i++, sessionId.get());
                }
                q.setInt(i, positive(limit));
                List<TurnRecord> out = new ArrayList<>();
                try (var rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(readTurn(c, rs));
                    }
                }
                return out.reversed();
            }
        });
    }

    private TurnRecord readTurn(Connection c, ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        Map<String, String> attributes = readJson(rs.getString(9), "attributes of turn " + id, STRING_MAP);
        return new TurnRecord(id, rs.getString(2), rs.getInt(3), instant(rs, 4), instant(rs, 5), rs.getString(6),
                rs.getString(7), rs.getString(8), attributes, toolCalls(c, id), bundles(c, id), failures(c, id));
    }

    private List<RecordedToolCall> toolCalls(Connection c, long turnId) throws SQLException {
        try (var q = c.prepareStatement("""
                SELECT ordinal, skill, input_json, output_json, summary, error, duration_micros
                FROM tool_calls WHERE turn_id = ? ORDER BY ordinal""")) {
            q.setLong(1, turnId);
            List<RecordedToolCall> out = new ArrayList<>();
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    int ordinal = rs.getInt(1);
                    String where = "tool call " + ordinal + " of turn " + turnId;
                    JsonNode input = readTree(rs.getString(3), where + " input");
                    String output = rs.getString(4);
                    out.add(new RecordedToolCall(turnId, ordinal, rs.getString(2), input,
                            output == null ? Optional.empty() : Optional.of(readTree(output, where + " output")),
                            Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)),
                            Duration.of(rs.getLong(7), ChronoUnit.MICROS)));
                }
            }
            return out;
        }
    }

    private static List<BundleDigest> bundles(Connection c, long turnId) throws SQLException {
        try (var q = c.prepareStatement(
                "SELECT symbolic_name, version, sha256 FROM turn_bundles WHERE turn_id = ? ORDER BY symbolic_name, version")) {
            q.setLong(1, turnId);
            List<BundleDigest> out = new ArrayList<>();
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new BundleDigest(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        }
    }

    private static List<Failure> failures(Connection c, long turnId) throws SQLException {
        try (var q = c.prepareStatement(FAILURE_COLUMNS + " WHERE turn_id = ? ORDER BY id")) {
            q.setLong(1, turnId);
            List<Failure> out = new ArrayList<>();
            try (var rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(readFailure(rs));
                }
            }
            return out;
        }
    }

    private static final String FAILURE_COLUMNS =
            "SELECT id, turn_id, recorded, kind, plugin, message, stack_trace FROM failures";

    private Failure failure(long id) {
        return query("read failure " + id, c -> {
            try (var q = c.prepareStatement(FAILURE_COLUMNS + " WHERE id = ?")) {
                q.setLong(1, id);
                try (var rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new EvidenceStoreException("failure " + id + " vanished right after it was stored");
                    }
                    return readFailure(rs);
                }
            }
        });
    }

    private static Failure readFailure(ResultSet rs) throws SQLException {
        return new Failure(rs.getLong(1), rs.getLong(2), instant(rs, 3), FailureKind.parse(rs.getString(4)),
                Optional.ofNullable(rs.getString(5)), rs.getString(6), Optional.ofNullable(rs.getString(7)));
    }

    private static void ensureSession(Connection c, String sessionId, Instant started) throws SQLException {
        try (var merge = c.prepareStatement("""
                MERGE INTO sessions s USING (VALUES (CAST(? AS VARCHAR(200)), CAST(? AS TIMESTAMP WITH TIME ZONE))) v(id, started)
                ON s.id = v.id WHEN NOT MATCHED THEN INSERT (id, started) VALUES (v.id, v.started)""")) {
            merge.setString(1, sessionId);
            merge.setObject(2, started);
            merge.executeUpdate();
        }
    }

    private static void requireTurn(Connection c, long turnId) throws SQLException {
        try (var q = c.prepareStatement("SELECT 1 FROM turns WHERE id = ?")) {
            q.setLong(1, turnId);
            try (var rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new UnknownTurnException(turnId);
                }
            }
        }
    }

    private void insertToolCalls(Connection c, long turnId, List<ToolCall> calls) throws SQLException {
        try (var insert = c.prepareStatement("""
                INSERT INTO tool_calls(turn_id, ordinal, skill, input_json, output_json, summary, error, duration_micros)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            for (int i = 0; i < calls.size(); i++) {
                ToolCall call = calls.get(i);
                insert.setLong(1, turnId);
                insert.setInt(2, i);
                insert.setString(3, call.skill());
                insert.setString(4, writeJson(call.input()));
                setOptional(insert, 5, call.output().map(this::writeJson));
                setOptional(insert, 6, call.summary());
                setOptional(insert, 7, call.error());
                insert.setLong(8, call.duration().toNanos() / 1_000);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void insertBundles(Connection c, long turnId, List<BundleDigest> bundles) throws SQLException {
        var seen = new java.util.HashSet<BundleDigest>();
        try (var insert = c.prepareStatement(
                "INSERT INTO turn_bundles(turn_id, symbolic_name, version, sha256) VALUES (?, ?, ?, ?)")) {
            for (BundleDigest b : bundles) {
                if (!seen.add(b)) {
                    throw new EvidenceStoreException("turn names bundle '" + b.symbolicName() + "' sha256:" + b.sha256()
                            + " twice");
                }
                insert.setLong(1, turnId);
                insert.setString(2, b.symbolicName());
                insert.setString(3, b.version());
                insert.setString(4, b.sha256());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static long insertFailure(Connection c, long turnId, Instant when, FailureReport f) throws SQLException {
        try (var insert = c.prepareStatement("""
                INSERT INTO failures(turn_id, recorded, kind, plugin, message, stack_trace) VALUES (?, ?, ?, ?, ?, ?)""",
                new String[] {"ID"})) {
            insert.setLong(1, turnId);
            insert.setObject(2, when);
            insert.setString(3, f.filedKind().name());
            setOptional(insert, 4, f.plugin());
            insert.setString(5, f.message());
            setOptional(insert, 6, f.stackTrace());
            insert.executeUpdate();
            try (var keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private static void setOptional(PreparedStatement s, int index, Optional<String> value) throws SQLException {
        if (value.isPresent()) {
            s.setString(index, value.get());
        } else {
            s.setNull(index, Types.VARCHAR);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static int positive(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return limit;
    }

    private String writeJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new EvidenceStoreException("cannot write JSON for the evidence store: " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode readTree(String text, String what) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new EvidenceStoreException("stored " + what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private <T> T readJson(String text, String what, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new EvidenceStoreException("stored " + what + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    private <T> T transaction(String what, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new EvidenceStoreException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private <T> T query(String what, SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new EvidenceStoreException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
