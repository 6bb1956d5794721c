package dev.chrysalis.governance.store;

/** The governance database failed; the message names the operation and the database's reason. */
public class GovernanceStoreException extends RuntimeException {
    public GovernanceStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
