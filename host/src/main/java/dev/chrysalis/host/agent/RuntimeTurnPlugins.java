package dev.chrysalis.host.agent;

import dev.chrysalis.host.runtime.PluginLease;
import dev.chrysalis.host.runtime.PluginServices;
import dev.chrysalis.sandbox.turn.PluginUse;
import dev.chrysalis.sandbox.turn.TurnPlugins;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The live runtime's plugins as the turn pipeline uses them: each use is a lease on its bundle generation. */
final class RuntimeTurnPlugins implements TurnPlugins {
    private final PluginServices services;

    RuntimeTurnPlugins(PluginServices services) {
        this.services = services;
    }

    @Override
    public List<SkillDescriptor> catalogue() {
        return services.catalogue();
    }

    @Override
    public Optional<PluginUse<Skill>> skill(String name, String sessionId) {
        return services.acquireSkill(name, sessionId).map(RuntimeTurnPlugins::use);
    }

    @Override
    public Optional<PluginUse<Router>> router() {
        return services.acquireRouter().map(RuntimeTurnPlugins::use);
    }

    @Override
    public List<PluginUse<Hook>> hooks() {
        // a loop, not a stream: this runs every turn, and the stream's objects were 7% of the host's allocation
        List<PluginLease<Hook>> leases = services.acquireHooks();
        List<PluginUse<Hook>> uses = new ArrayList<>(leases.size());
        for (PluginLease<Hook> lease : leases) {
            uses.add(use(lease));
        }
        return java.util.Collections.unmodifiableList(uses);
    }

    private static <T> PluginUse<T> use(PluginLease<T> lease) {
        return new PluginUse<>(lease.service(), lease.name(), lease.plugin(), lease.version(), lease.digest(), lease::close);
    }
}
