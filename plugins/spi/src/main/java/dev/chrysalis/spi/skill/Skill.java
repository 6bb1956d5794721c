package dev.chrysalis.spi.skill;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A named tool the agent can invoke. A skill bundle registers one or more {@code Skill} services;
 * the host discovers them, lists them in the catalogue and invokes them with limits.
 *
 * <p>Implementations must be stateless between invocations (all per-call state comes through the
 * {@link SkillContext}), so a hot swap can happen between any two calls and replays are deterministic.
 */
public interface Skill {

    /** Unique, stable name: lower-case letters, digits and dashes (e.g. {@code calculator}). */
    String name();

    /** One sentence a person or a model reads to decide whether this skill fits a request. */
    String description();

    /** JSON Schema (draft 2020-12 subset: object, properties, required, type, enum) of {@link #invoke}'s input. */
    JsonNode inputSchema();

    /**
     * Phrasings this skill answers, with the arguments they mean. Routers learn from them; the
     * default router also uses {@link #routePatterns()}.
     */
    default List<SkillExample> examples() {
        return List.of();
    }

    /** Regular expressions whose named groups map straight onto input properties. */
    default List<RoutePattern> routePatterns() {
        return List.of();
    }

    /**
     * Runs the skill.
     *
     * @throws SkillInputException when {@code input} does not fit the schema or cannot be interpreted;
     *     its message names the field and the problem and is shown to the user as is
     * @throws SkillException for any other expected failure (e.g. a file that does not exist)
     */
    SkillResult invoke(SkillContext context, JsonNode input) throws SkillException;
}
