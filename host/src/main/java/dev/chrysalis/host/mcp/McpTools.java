package dev.chrysalis.host.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;
import java.util.Optional;

/** What the MCP server exposes: the skills installed right now, and a way to call one. */
public interface McpTools {

    /** Read on every request, so a hot-swapped or newly installed skill shows up without a restart. */
    List<SkillDescriptor> catalogue();

    /** Runs the skill; empty when no skill of that name is installed. A skill failure is a {@link ToolOutcome.Failure}. */
    Optional<ToolOutcome> call(String skill, JsonNode arguments);
}
