package dev.chrysalis.evolution.evidence;

/** An evidence export line cannot be read; the message names the source, the line and the problem. */
public final class EvidenceFormatException extends RuntimeException {
    public EvidenceFormatException(String message) {
        super(message);
    }
}
