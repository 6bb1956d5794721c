package dev.chrysalis.skill.files;

import dev.chrysalis.spi.skill.SkillInputs;
import dev.chrysalis.spi.skill.SkillInputException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Finds files under a directory of the workspace by glob. A pattern without '/' matches file names at any
 * depth ({@code *.md}); one with '/' matches the path relative to the base ({@code docs/*.md},
 * {@code **}{@code /*.md}, where a leading {@code **}{@code /} also matches at the top level). Links are
 * not followed into directories, and a link to a file counts only when its real path is inside the workspace.
 */
final class FileFinder {
    static final int MAX_VISITED = 100_000;
    static final int MAX_DEPTH = 64;

    record Found(String path, long size) {
    }

    record Result(List<Found> files, boolean truncated, int skippedLinks) {
    }

    private FileFinder() {
    }

    static PathMatcher matcher(String glob) throws SkillInputException {
        try {
            return FileSystems.getDefault().getPathMatcher("glob:" + glob);
        } catch (IllegalArgumentException e) {
            throw new SkillInputException("field 'pattern': invalid glob '" + SkillInputs.abbreviate(glob) + "' ("
                    + (e instanceof PatternSyntaxException p ? p.getDescription() : e.getMessage()) + ")");
        }
    }

    static Result find(Path workspaceReal, Path base, String glob, int limit) throws IOException, SkillInputException {
        boolean byName = glob.indexOf('/') < 0;
        PathMatcher full = matcher(glob);
        PathMatcher rest = glob.startsWith("**/") ? matcher(glob.substring(3)) : null;
        List<Found> found = new ArrayList<>();
        int[] visited = {0};
        int[] skipped = {0};
        boolean[] truncated = {false};
        Files.walkFileTree(base, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (++visited[0] > MAX_VISITED) {
                    truncated[0] = true;
                    return FileVisitResult.TERMINATE;
                }
                Path relative = base.relativize(file);
                boolean matches = byName
                        ? file.getFileName() != null && full.matches(file.getFileName())
                        : full.matches(relative) || (rest != null && relative.getNameCount() == 1 && rest.matches(relative));
                if (!matches) {
                    return FileVisitResult.CONTINUE;
                }
                if (found.size() >= limit) {
                    truncated[0] = true; // a further match exists beyond the limit
                    return FileVisitResult.TERMINATE;
                }
                long size;
                if (attrs.isSymbolicLink()) {
                    Path real;
                    try {
                        real = file.toRealPath();
                    } catch (IOException broken) {
                        skipped[0]++;
                        return FileVisitResult.CONTINUE;
                    }
                    if (!real.startsWith(workspaceReal) || !Files.isRegularFile(real)) {
                        skipped[0]++;
                        return FileVisitResult.CONTINUE;
                    }
                    size = Files.size(real);
                } else if (attrs.isRegularFile()) {
                    size = attrs.size();
                } else {
                    return FileVisitResult.CONTINUE;
                }
                found.add(new Found(workspaceReal.relativize(file).toString().replace('\\', '/'), size));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE; // unreadable entries are left out
            }
        });
        found.sort((a, b) -> a.path().compareTo(b.path()));
        return new Result(List.copyOf(found), truncated[0], skipped[0]);
    }
}
