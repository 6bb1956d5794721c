package dev.chrysalis.host.evidence;

/** The evidence database could not be opened, read or written; the message names what and why. */
public class EvidenceStoreException extends RuntimeException {
    public EvidenceStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public EvidenceStoreException(String message) {
        super(message);
    }
}
