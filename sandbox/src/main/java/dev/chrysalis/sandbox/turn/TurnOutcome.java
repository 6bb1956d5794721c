package dev.chrysalis.sandbox.turn;

import dev.chrysalis.spi.hook.TurnData;
import dev.chrysalis.spi.router.RouteDecision;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A turn the pipeline ran.
 *
 * @param turn      the turn after every afterTurn hook: what gets stored (redacted, with tool calls and answer)
 * @param brain     the name of the brain that decided it
 * @param routes    every decision the router made in the turn, in order (the default brain asks once)
 * @param servedBy  every plugin service used, in order of first use, with its jar's SHA-256
 * @param failures  what went wrong; empty for a good turn
 */
public record TurnOutcome(Instant started, Instant finished, String brain, TurnData turn, List<RouteDecision> routes,
                          List<ServedBy> servedBy, List<TurnFailure> failures) {
    public TurnOutcome {
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(brain, "brain");
        Objects.requireNonNull(turn, "turn");
        routes = List.copyOf(routes);
        servedBy = List.copyOf(servedBy);
        failures = List.copyOf(failures);
    }
}
