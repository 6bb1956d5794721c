package dev.chrysalis.host.server;

import dev.chrysalis.governance.promotion.CallRouting;
import dev.chrysalis.governance.promotion.TrafficTap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Governance's {@link TrafficTap}: the routing each promotion in progress installed, by plugin. A caller that
 * carries agent traffic asks {@link #routing} before calling a plugin. The server process itself runs no agent
 * sessions, so there no call is ever routed and {@link HostServer} promotes on a plan without call-count gates.
 */
public final class PromotionRoutes implements TrafficTap {
    private final Map<String, CallRouting> routings = new ConcurrentHashMap<>();

    @Override
    public void install(String plugin, CallRouting routing) {
        routings.put(plugin, routing);
    }

    @Override
    public void remove(String plugin) {
        routings.remove(plugin);
    }

    /** The routing installed for {@code plugin}, while a promotion of it is in progress. */
    public Optional<CallRouting> routing(String plugin) {
        return Optional.ofNullable(routings.get(plugin));
    }
}
