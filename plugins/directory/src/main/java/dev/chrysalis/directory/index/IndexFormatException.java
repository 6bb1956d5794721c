package dev.chrysalis.directory.index;

import dev.chrysalis.directory.DirectoryException;

/** An index (or one of its entries) that does not follow the format; the message names the entry and field. */
public class IndexFormatException extends DirectoryException {
    public IndexFormatException(String message) {
        super(message);
    }
}
