package dev.chrysalis.sandbox.turn;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;
import java.util.Optional;

/**
 * The plugin services one turn uses: the host's live runtime, or a trial worker's framework with a candidate
 * in place of the shipped plugin it rewrites. Every service is lent: the pipeline closes each use.
 */
public interface TurnPlugins {

    /** The skills installed now. */
    List<SkillDescriptor> catalogue();

    /** The skill of that name for one call in session {@code sessionId}. */
    Optional<PluginUse<Skill>> skill(String name, String sessionId);

    /** The router in charge now. */
    Optional<PluginUse<Router>> router();

    /** The hooks installed now, in any order (the pipeline runs them by ascending priority, ties by name). */
    List<PluginUse<Hook>> hooks();
}
