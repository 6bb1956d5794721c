package dev.chrysalis.spi.skill;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** A user phrasing and the skill input it stands for, e.g. "what is 2+3*4" -> {"expression":"2+3*4"}. */
public record SkillExample(String utterance, JsonNode arguments) {
    public SkillExample {
        Objects.requireNonNull(utterance, "utterance");
        Objects.requireNonNull(arguments, "arguments");
    }
}
