package dev.chrysalis.spi.skill;

/** An expected failure of a skill; the message is meant for the user and names what went wrong. */
public class SkillException extends Exception {
    public SkillException(String message) {
        super(message);
    }

    public SkillException(String message, Throwable cause) {
        super(message, cause);
    }
}
