package dev.chrysalis.sandbox.trial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayFormatException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turn-level replay cases: a recorded user message replayed through the router, the hooks and the skill the
 * way the host's agent runs a turn. One JSON line, in the replay format with {@code "skill":"turn"}:
 * <pre>
 * {"id":"add","skill":"turn","input":{"message":"what is 2+3"},
 *  "expect":{"route":{"skill":"calculator","arguments":{"expression":"2+3"}},"output":{"value":"5"}}}
 * {"id":"unknown","skill":"turn","input":{"message":"sing me a song"},"expect":{"route":{"unrouted":true}}}
 * {"id":"key","skill":"turn","input":{"message":"my key AKIA... what is 1+1"},
 *  "expect":{"stored":{"excludes":["AKIA..."],"contains":["[REDACTED:aws-access-key]"]}}}
 * </pre>
 * {@code input.message} is required ({@code input.session} and {@code input.turn} are optional). Every
 * part of {@code expect} is optional, but one must be given: {@code route} (the router's decision: skill
 * and arguments, or {@code unrouted}), {@code output} (the first tool call's output, numbers within the
 * case's tolerance), {@code answer} (the final answer after the hooks, exact) and {@code stored} (texts
 * that must or must not appear in what the turn stored: the turn as the last hook left it and every file
 * the hooks wrote). {@code expectError} instead of {@code expect}: the tool call must fail with that text.
 * {@code clock}, {@code seed} and {@code files} work as for skill cases.
 */
public final class TurnCases {
    /** The skill name that marks a case as turn-level. */
    public static final String SKILL = "turn";

    private TurnCases() {
    }

    /** What {@code expect} of a turn case may hold; it must hold at least one. */
    public static final List<String> EXPECTATIONS = List.of("route", "output", "answer", "stored");

    /**
     * A turn case for a recorded message (e.g. a turn from the evidence store).
     *
     * @param expect at least one of {@link #EXPECTATIONS}
     * @throws ReplayFormatException when the message is blank or {@code expect} names nothing to check
     */
    public static ReplayCase of(String id, String message, Instant clock, long seed, JsonNode expect) {
        ReplayCase c = new ReplayCase(id, SKILL, JsonNodeFactory.instance.objectNode().put("message", message),
                Optional.of(expect), Optional.empty(), clock, seed, Map.of(), 0);
        validate(c);
        return c;
    }

    /**
     * Checks a turn case before any worker runs it: a non-blank {@code input.message} and, unless it expects an
     * error, at least one of {@link #EXPECTATIONS}.
     *
     * @throws ReplayFormatException naming the case and what is missing
     */
    public static void validate(ReplayCase c) {
        message(c);
        if (c.expectedOutput().isPresent()) {
            JsonNode expect = c.expectedOutput().get();
            if (!expect.isObject() || EXPECTATIONS.stream().noneMatch(expect::has)) {
                throw new ReplayFormatException("turn case '" + c.id() + "': expect must give at least one of "
                        + String.join(", ", EXPECTATIONS) + ", got " + expect);
            }
        }
    }

    public static boolean isTurn(ReplayCase c) {
        return SKILL.equals(c.skill());
    }

    /** The recorded user message of a turn case. */
    public static String message(ReplayCase c) {
        JsonNode message = c.input().get("message");
        if (message == null || !message.isTextual() || message.asText().isBlank()) {
            throw new ReplayFormatException("turn case '" + c.id() + "': input.message must be a non-empty string");
        }
        return message.asText();
    }

    /** The session id the turn is replayed in (recorded, or {@code s-replay}). */
    public static String session(ReplayCase c) {
        return c.input().path("session").asText("s-replay");
    }

    /** The turn's index in its session (recorded, or 1). */
    public static int turnIndex(ReplayCase c) {
        return Math.max(1, c.input().path("turn").asInt(1));
    }
}
