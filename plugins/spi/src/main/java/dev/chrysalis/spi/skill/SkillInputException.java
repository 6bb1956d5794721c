package dev.chrysalis.spi.skill;

/** The input does not fit the skill's schema or cannot be interpreted; the message names the field. */
public class SkillInputException extends SkillException {
    public SkillInputException(String message) {
        super(message);
    }
}
