package dev.chrysalis.directory.osgi;

import dev.chrysalis.directory.DirectoryException;

/** A manifest header, version or version range that does not parse; the message names the header and the text. */
public class ManifestFormatException extends DirectoryException {
    public ManifestFormatException(String message) {
        super(message);
    }
}
