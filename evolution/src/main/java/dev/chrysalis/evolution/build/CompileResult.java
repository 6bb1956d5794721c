package dev.chrysalis.evolution.build;

import java.util.List;
import java.util.Map;

/** What compiling a plugin's sources gave: class files by their path, or the errors. */
public sealed interface CompileResult {
    List<CompileDiagnostic> diagnostics();

    /** @param classes class file path ({@code a/b/C.class}) -> bytes */
    record Compiled(Map<String, byte[]> classes, List<CompileDiagnostic> diagnostics) implements CompileResult {
        public Compiled {
            classes = Map.copyOf(classes);
            diagnostics = List.copyOf(diagnostics);
        }
    }

    record Failed(List<CompileDiagnostic> diagnostics) implements CompileResult {
        public Failed {
            diagnostics = List.copyOf(diagnostics);
            if (diagnostics.isEmpty()) {
                throw new IllegalArgumentException("a failed compilation must say why");
            }
        }

        /** The first error, as the compiler said it. */
        public String summary() {
            return diagnostics.stream().filter(d -> d.kind().equals("ERROR")).findFirst().orElse(diagnostics.getFirst()).toString();
        }
    }
}
