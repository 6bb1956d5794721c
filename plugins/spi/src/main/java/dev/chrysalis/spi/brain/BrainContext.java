package dev.chrysalis.spi.brain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.time.Clock;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** What the host lends a brain for one turn. */
@ProviderType
public interface BrainContext {

    /** The skills installed right now. */
    List<SkillDescriptor> catalogue();

    /** The router currently installed. */
    Router router();

    /**
     * Invokes a skill under the host's limits and records the call with the turn. Never throws for a
     * skill failure: that is a {@link ToolOutcome.Failure}.
     */
    ToolOutcome invokeTool(String skill, JsonNode arguments);

    /** Streams part of the answer to the user as it is produced (a brain that does not stream never calls it). */
    void partial(String text);

    Clock clock();
}
