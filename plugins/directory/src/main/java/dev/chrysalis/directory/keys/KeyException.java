package dev.chrysalis.directory.keys;

import dev.chrysalis.directory.DirectoryException;

/** A key file that cannot be read or written, or a key that is not Ed25519; the message names the file. */
public class KeyException extends DirectoryException {
    public KeyException(String message) {
        super(message);
    }

    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
