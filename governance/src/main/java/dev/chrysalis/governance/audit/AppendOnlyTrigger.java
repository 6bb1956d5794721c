package dev.chrysalis.governance.audit;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/** Refuses UPDATE and DELETE on the audit table, so only someone who drops the trigger can change history. */
public final class AppendOnlyTrigger implements Trigger {
    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        throw new SQLException("audit_log is append-only: rows cannot be changed or deleted");
    }
}
