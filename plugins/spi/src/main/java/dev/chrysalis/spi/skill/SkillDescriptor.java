package dev.chrysalis.spi.skill;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/** A catalogue entry: what routers and brains know about a skill without holding the skill itself. */
public record SkillDescriptor(String name, String description, JsonNode inputSchema,
                              List<SkillExample> examples, List<RoutePattern> routePatterns) {
    public SkillDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        examples = List.copyOf(examples);
        routePatterns = List.copyOf(routePatterns);
    }

    public static SkillDescriptor of(Skill skill) {
        return new SkillDescriptor(skill.name(), skill.description(), skill.inputSchema(),
                skill.examples(), skill.routePatterns());
    }
}
