package dev.chrysalis.host.testplugins;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.TurnData;

/** Priority 20: runs after {@link ZetaHook}. */
public final class AlphaHook implements Hook {
    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public int priority() {
        return 20;
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
