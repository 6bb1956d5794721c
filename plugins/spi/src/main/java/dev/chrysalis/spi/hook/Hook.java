package dev.chrysalis.spi.hook;

/**
 * Intercepts every turn. Hooks run in ascending {@link #priority()} (ties by {@link #name()}):
 * {@link #beforeTurn} before the brain sees the message, {@link #afterTurn} after the answer and
 * before the turn is stored. Each hook receives the previous hook's result, so order matters:
 * secret redaction must run before turn logging.
 */
public interface Hook {

    /** Stable, unique name (e.g. {@code redact-secrets}). */
    String name();

    /** Lower runs first. */
    int priority();

    /** May rewrite the incoming turn (only the user message is set at this point). */
    default TurnData beforeTurn(TurnData turn, HookContext context) {
        return turn;
    }

    /** May rewrite the completed turn; what the last hook returns is what gets stored. */
    default TurnData afterTurn(TurnData turn, HookContext context) {
        return turn;
    }
}
