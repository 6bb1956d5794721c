package dev.chrysalis.inference.engine;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** The path given as a model names something other than a file: a directory. */
public final class NotAModelFileException extends FileSystemException {

    public NotAModelFileException(Path path) {
        super(path.toString(), null, "a directory, not a GGUF model file");
    }
}
