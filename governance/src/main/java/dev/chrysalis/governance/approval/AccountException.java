package dev.chrysalis.governance.approval;

/** A user or token operation that cannot be done; the message names the user and the reason. */
public class AccountException extends RuntimeException {
    public AccountException(String message) {
        super(message);
    }
}
