package dev.chrysalis.sandbox.trial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.replay.JsonComparison;
import dev.chrysalis.spi.replay.ReplayCase;
import java.time.Duration;
import java.util.List;

/**
 * Judges a worker's answer against the recorded case, in the parent: the worker only sends text, which is
 * parsed here, so a candidate's own JsonNode subclass cannot fake equality. The rules are those of the
 * SPI's {@code ReplayRunner}: exact JSON (numbers within the case's tolerance) or an error message that
 * contains the expected text.
 */
final class CaseJudge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CaseJudge() {
    }

    static CaseVerdict judge(ReplayCase c, JsonNode result, Duration elapsed) {
        return switch (result.path("outcome").asText()) {
            case "turn" -> TurnCases.isTurn(c) ? TurnJudge.judge(c, result, elapsed)
                    : new CaseVerdict.Crash("worker answered a skill case with a turn", "");
            case "missing-skill", "bad-case", "not-loaded" -> new CaseVerdict.Fail(result.path("message").asText(""), elapsed);
            default -> switch (behaviour(result)) {
                case Behaviour.Returned r -> judgeOutput(c, r.output(), elapsed);
                case Behaviour.Refused r -> judgeError(c, r.message(), elapsed);
                case Behaviour.Threw t -> new CaseVerdict.Fail("skill threw " + t.message(), elapsed);
                case Behaviour.Ended e -> e.how();
            };
        };
    }

    /** What a worker's answer to a skill case says the skill did; an answer that is none of these is a crash. */
    static Behaviour behaviour(JsonNode result) {
        String outcome = result.path("outcome").asText();
        String message = result.path("message").asText("");
        return switch (outcome) {
            case "returned" -> new Behaviour.Returned(result.path("output").asText());
            case "error" -> new Behaviour.Refused(message);
            case "threw" -> new Behaviour.Threw(message);
            default -> new Behaviour.Ended(new CaseVerdict.Crash("worker answered with outcome '" + outcome + "' " + message, ""));
        };
    }

    private static CaseVerdict judgeOutput(ReplayCase c, String outputText, Duration elapsed) {
        if (c.expectedError().isPresent()) {
            return new CaseVerdict.Fail("expected an error containing '" + c.expectedError().get()
                    + "', but the skill answered " + abbreviate(outputText), elapsed);
        }
        JsonNode actual;
        try {
            actual = JSON.readTree(outputText);
        } catch (JsonProcessingException e) {
            return new CaseVerdict.Fail("the output is not JSON: " + abbreviate(outputText), elapsed);
        }
        List<String> diffs = JsonComparison.differences(c.expectedOutput().orElseThrow(), actual, c.tolerance());
        return diffs.isEmpty() ? new CaseVerdict.Pass(elapsed) : new CaseVerdict.Fail(String.join("; ", diffs), elapsed);
    }

    private static CaseVerdict judgeError(ReplayCase c, String message, Duration elapsed) {
        if (c.expectedError().isEmpty()) {
            return new CaseVerdict.Fail("unexpected error: " + message, elapsed);
        }
        String wanted = c.expectedError().get();
        return message.toLowerCase().contains(wanted.toLowerCase())
                ? new CaseVerdict.Pass(elapsed)
                : new CaseVerdict.Fail("expected an error containing '" + wanted + "', got: " + message, elapsed);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
