package dev.chrysalis.skill.json;

import dev.chrysalis.spi.skill.SkillInputs;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Turns a user-given relative path into a real path inside the workspace, refusing absolute paths, ".."
 * segments and links that resolve outside (the real path is checked, not just the spelling).
 */
final class WorkspacePaths {
    private WorkspacePaths() {
    }

    /** The normalized, not yet resolved path for {@code text} (may not exist). */
    static Path lexical(Path workspace, String field, String text) throws SkillInputException {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new SkillInputException("field '" + field + "' is empty: give a path inside the workspace");
        }
        if (t.indexOf('\0') >= 0) {
            throw new SkillInputException("field '" + field + "': the path contains a NUL character");
        }
        if (t.startsWith("/") || t.startsWith("\\") || t.startsWith("~") || t.matches("(?s)^[A-Za-z]:.*")) {
            throw new SkillInputException("field '" + field + "': absolute paths are not allowed ('" + SkillInputs.abbreviate(t)
                    + "'); give a path relative to the workspace");
        }
        for (String segment : t.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw new SkillInputException("field '" + field + "': '..' is not allowed ('" + SkillInputs.abbreviate(t)
                        + "'); paths stay inside the workspace");
            }
        }
        try {
            Path p = workspace.resolve(t).normalize();
            if (!p.startsWith(workspace.normalize())) {
                throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(t) + "' is outside the workspace");
            }
            return p;
        } catch (InvalidPathException e) {
            throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(t) + "' is not a valid path (" + e.getReason() + ")");
        }
    }

    /**
     * The real path of an existing entry inside the workspace; links resolving outside are refused.
     *
     * @param kind what the caller expects ("file", "directory"), for the message when nothing is there
     */
    static Path existing(Path workspace, String field, String text, String kind) throws SkillException {
        Path p = lexical(workspace, field, text);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new SkillException("no " + kind + " '" + SkillInputs.abbreviate(text.strip()) + "' in the workspace");
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new SkillException("'" + SkillInputs.abbreviate(text.strip()) + "' cannot be resolved (" + e.getClass().getSimpleName()
                    + "; a broken link?)");
        }
        if (!insideWorkspace(workspace, real)) {
            throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(text.strip())
                    + "' resolves outside the workspace (through a link); refused");
        }
        return real;
    }

    static boolean insideWorkspace(Path workspace, Path real) throws SkillException {
        try {
            return real.startsWith(workspace.toRealPath());
        } catch (IOException e) {
            throw new SkillException("the workspace " + workspace + " cannot be read: " + e.getMessage());
        }
    }

    /** The real path of an existing regular file inside the workspace. */
    static Path existingFile(Path workspace, String field, String text) throws SkillException {
        Path real = existing(workspace, field, text, "file");
        if (Files.isDirectory(real)) {
            throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(text.strip()) + "' is a directory, not a file");
        }
        if (!Files.isRegularFile(real)) {
            throw new SkillInputException("field '" + field + "': '" + SkillInputs.abbreviate(text.strip()) + "' is not a regular file");
        }
        return real;
    }
}
