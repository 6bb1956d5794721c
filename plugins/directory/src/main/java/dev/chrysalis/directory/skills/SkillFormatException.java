package dev.chrysalis.directory.skills;

import dev.chrysalis.directory.DirectoryException;

/** A SKILL.md or skill folder that cannot be imported or exported; the message names the file and the problem. */
public class SkillFormatException extends DirectoryException {
    public SkillFormatException(String message) {
        super(message);
    }
}
