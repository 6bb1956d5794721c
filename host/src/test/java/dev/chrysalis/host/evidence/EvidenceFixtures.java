package dev.chrysalis.host.evidence;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.hook.ToolCall;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns as the agent would record them, for the evidence tests. */
final class EvidenceFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String CALC_SHA = "a".repeat(64);
    static final String ROUTER_SHA = "0123456789abcdef".repeat(4);

    private EvidenceFixtures() {
    }

    static ToolCall calculatorCall(String expression, String value) {
        return new ToolCall("calculator", JSON.createObjectNode().put("expression", expression),
                Optional.of(JSON.createObjectNode().put("value", value)), Optional.of(expression + " = " + value),
                Optional.empty(), Duration.ofMillis(3));
    }

    static NewTurn calculatorTurn(String session, int index, Instant at, String expression, String value) {
        return new NewTurn(session, index, at, at.plusMillis(5), "default", "what is " + expression, value,
                Map.of("route.reason", "pattern"), List.of(calculatorCall(expression, value)),
                List.of(new BundleDigest("dev.chrysalis.skill.calculator", "1.0.0", CALC_SHA),
                        new BundleDigest("dev.chrysalis.harness.router-default", "1.0.0", ROUTER_SHA)),
                List.of());
    }
}
