package dev.chrysalis.inference.cli;

import dev.chrysalis.inference.gguf.GgufFile;
import dev.chrysalis.inference.tokenizer.Tokenizer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Builds a model's tokenizer through {@code dev.chrysalis.inference.tokenizer.Tokenizers.fromGguf}, which
 * the tokenizer package provides. Looked up at run time so the engine and CLI build independently of it.
 */
final class CliTokenizers {

    private CliTokenizers() {
    }

    static Tokenizer fromGguf(GgufFile file) {
        Method m;
        try {
            m = Class.forName("dev.chrysalis.inference.tokenizer.Tokenizers").getMethod("fromGguf", GgufFile.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("this build has no tokenizers (dev.chrysalis.inference.tokenizer.Tokenizers.fromGguf)");
        }
        try {
            return (Tokenizer) m.invoke(null, file);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("tokenizer of " + file.path().getFileName() + ": " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Tokenizers.fromGguf is not accessible", e);
        }
    }
}
