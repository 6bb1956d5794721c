package dev.chrysalis.sandbox.harness.lateredact;

import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.TurnData;
import org.osgi.service.component.annotations.Component;

/**
 * A redact-secrets rewrite with the wrong order: it redacts AWS key ids, but at priority 150, after the
 * turn log (100) has already written the turn, secret and all.
 */
@Component(service = Hook.class)
public final class LateRedactHook implements Hook {
    @Override
    public String name() {
        return "redact-secrets";
    }

    @Override
    public int priority() {
        return 150;
    }

    @Override
    public TurnData afterTurn(TurnData turn, HookContext context) {
        return turn.withUserMessage(turn.userMessage().replaceAll("AKIA[0-9A-Z]{16}", "[REDACTED:aws-access-key]"))
                .withAnswer(turn.answer().replaceAll("AKIA[0-9A-Z]{16}", "[REDACTED:aws-access-key]"));
    }
}
