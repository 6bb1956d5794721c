package dev.chrysalis.spi.router;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** The router's choice for one message. */
public sealed interface RouteDecision {

    /** Send the message to {@code skill} with {@code arguments}; {@code reason} says why (stored with the turn). */
    record Routed(String skill, JsonNode arguments, double confidence, String reason) implements RouteDecision {
        public Routed {
            Objects.requireNonNull(skill, "skill");
            Objects.requireNonNull(arguments, "arguments");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** No skill fits; {@code reason} is shown to the user (e.g. which skills came closest). */
    record Unrouted(String reason) implements RouteDecision {
        public Unrouted {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
