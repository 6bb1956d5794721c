package dev.chrysalis.evolution.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of shipped plugins with a bug seeded in, laid out like the project (skills/<name>/...). */
public final class SeededPlugins {
    private SeededPlugins() {
    }

    /**
     * Copies {@code skills/<skill>} from the project into {@code root/skills/<skill>} and replaces
     * {@code original} by {@code buggy} in {@code file} (which must contain it exactly once).
     */
    public static Path seed(Path root, String skill, String file, String original, String buggy) throws IOException {
        Path from = Build.projectRoot().resolve("skills").resolve(skill);
        Path to = root.resolve("skills").resolve(skill);
        for (String part : new String[] {"pom.xml", "SKILL.md", "replay.jsonl", "src/main/java"}) {
            Path src = from.resolve(part);
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    Path dest = to.resolve(from.relativize(p).toString());
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        }
        Path target = to.resolve(file);
        String text = Files.readString(target);
        int at = text.indexOf(original);
        if (at < 0 || text.indexOf(original, at + 1) >= 0) {
            throw new IllegalArgumentException(file + " must contain '" + original + "' exactly once");
        }
        Files.writeString(target, text.replace(original, buggy));
        return root;
    }
}
