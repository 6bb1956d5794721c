package dev.chrysalis.sandbox.trial;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayFormatException;

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
