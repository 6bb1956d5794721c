package dev.chrysalis.governance.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The governance H2 database: {@code <data dir>/governance/governance.mv.db}, beside the other governance files
 * (the audit head anchor, promotion journals) in {@code <data dir>/governance/}.
 * Commits are flushed at once ({@code WRITE_DELAY=0}) so a crash right after a commit loses nothing the
 * promotion journal or the audit anchor already refers to.
 */
public final class GovernanceDatabase implements AutoCloseable {
    public static final String FOLDER = "governance";
    private final Path home;
    private final JdbcConnectionPool pool;

    private GovernanceDatabase(Path home, JdbcConnectionPool pool) {
        this.home = home;
        this.pool = pool;
    }

    /** Whether a governance database exists under {@code dataDir} (without creating one). */
    public static boolean exists(Path dataDir) {
        return Files.exists(dataDir.resolve(FOLDER).resolve("governance.mv.db"));
    }

    /** Opens (creating if needed) the database under {@code dataDir}/governance. */
    public static GovernanceDatabase open(Path dataDir) {
        Path home = dataDir.toAbsolutePath().resolve(FOLDER);
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new GovernanceStoreException("cannot create data directory " + home + ": " + e.getMessage(), e);
        }
        String url = "jdbc:h2:file:" + home.resolve("governance") + ";WRITE_DELAY=0";
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "chrysalis", "");
        pool.setMaxConnections(16);
        var db = new GovernanceDatabase(home, pool);
        try (Connection c = db.connection()) {
            c.isValid(1);
        } catch (SQLException e) {
            pool.dispose();
            throw new GovernanceStoreException("cannot open governance database in " + home + ": " + e.getMessage(), e);
        }
        return db;
    }

    /** The governance folder ({@code <data dir>/governance}) holding the database and its companion files. */
    public Path home() {
        return home;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Runs {@code sql} statements (schema creation) in one go. */
    public void execute(String... sql) {
        try (Connection c = connection(); var s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new GovernanceStoreException("schema statement failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try (Connection c = pool.getConnection(); var s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // already closed or shutting down: nothing left to flush
        }
        pool.dispose();
    }
}
