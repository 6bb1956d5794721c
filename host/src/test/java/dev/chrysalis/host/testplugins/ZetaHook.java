package dev.chrysalis.host.testplugins;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.TurnData;

/** Priority 10: must run before {@link AlphaHook} (priority 20) although its name sorts after. */
public final class ZetaHook implements Hook {
    @Override
    public String name() {
        return "zeta";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public TurnData beforeTurn(TurnData turn, HookContext context) {
        return turn.withAttribute("order.before", turn.attributes().getOrDefault("order.before", "") + name() + ",");
    }

    @Override
    public TurnData afterTurn(TurnData turn, HookContext context) {
        return turn.withAttribute("order.after", turn.attributes().getOrDefault("order.after", "") + name() + ",");
    }
}
