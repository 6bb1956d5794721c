package dev.chrysalis.spi.skill;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a skill returns: structured output (compared by replays, fed to models) and a one-line summary
 * for people (e.g. output {"value":"14"}, summary "2+3*4 = 14").
 */
public record SkillResult(JsonNode output, String summary) {
    public SkillResult {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(summary, "summary");
    }
}
