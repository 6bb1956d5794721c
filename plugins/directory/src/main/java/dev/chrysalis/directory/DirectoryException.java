package dev.chrysalis.directory;

/** A directory operation that cannot go on: unreadable index or bundle, I/O failure, bad arguments. */
public class DirectoryException extends RuntimeException {
    public DirectoryException(String message) {
        super(message);
    }

    public DirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
