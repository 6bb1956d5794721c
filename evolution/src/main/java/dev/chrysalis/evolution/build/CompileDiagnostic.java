package dev.chrysalis.evolution.build;

import java.util.Objects;

/** One compiler message: the source file (path inside the plugin), its line, and the compiler's text. */
public record CompileDiagnostic(String file, long line, String kind, String message) {
    public CompileDiagnostic {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + kind.toLowerCase() + ": " + message;
    }
}
