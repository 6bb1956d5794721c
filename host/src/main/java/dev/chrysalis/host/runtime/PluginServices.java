package dev.chrysalis.host.runtime;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.List;
import java.util.Optional;

/** The live plugin services, as the agent loop uses them. Every service comes with a lease: close it after use. */
public interface PluginServices {

    /** The live skills, by name. */
    List<SkillDescriptor> catalogue();

    /** The live skill of that name, leased so its bundle cannot be uninstalled until the lease closes. */
    Optional<PluginLease<Skill>> acquireSkill(String name);

    /**
     * The skill of that name for one call in session {@code sessionId}. While a promotion of its plugin is in
     * progress, the runtime decides per call which version serves it and observes the outcome; otherwise the
     * same as {@link #acquireSkill(String)}.
     */
    default Optional<PluginLease<Skill>> acquireSkill(String name, String sessionId) {
        return acquireSkill(name);
    }

    /** The current router: the highest-ranked Router service of the live harness plugins. */
    Optional<PluginLease<Router>> acquireRouter();

    /** The live hooks in the order they run: ascending priority, ties by name. */
    List<PluginLease<Hook>> acquireHooks();
}
