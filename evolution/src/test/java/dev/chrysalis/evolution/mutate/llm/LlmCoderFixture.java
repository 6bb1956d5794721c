package dev.chrysalis.evolution.mutate.llm;

import java.nio.file.Files;
import java.nio.file.Path;

/** The fixture models, read in place from the shared fixtures folder (set by the parent pom). */
final class LlmCoderFixture {
    private LlmCoderFixture() {
    }

    static Path model(String name) {
        String dir = System.getProperty("chrysalis.fixtures");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("../shared/fixtures");
        Path p = base.resolve("models").resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("fixture model " + p.toAbsolutePath() + " is missing (system property chrysalis.fixtures)");
        }
        return p;
    }
}
