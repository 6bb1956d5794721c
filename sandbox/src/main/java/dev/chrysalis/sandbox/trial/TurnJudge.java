package dev.chrysalis.sandbox.trial;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.replay.JsonComparison;
import dev.chrysalis.spi.replay.ReplayCase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Judges a replayed turn ({@link TurnCases}) against what the case expects: the routing decision, the first
 * tool call's output or error, the final answer, and what was (or must never be) stored. Every difference is
 * one readable line of the diff.
 */
final class TurnJudge {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TurnJudge() {
    }

    static CaseVerdict judge(ReplayCase c, JsonNode result, Duration elapsed) {
        List<String> diffs = new ArrayList<>();
        JsonNode firstCall = result.path("calls").path(0);
        if (c.expectedError().isPresent()) {
            String wanted = c.expectedError().get();
            String error = firstCall.path("error").asText("");
            if (firstCall.isMissingNode()) {
                diffs.add("expected the tool call to fail with '" + wanted + "', but no skill was called ("
                        + describeRoute(result.path("route")) + ")");
            } else if (!error.toLowerCase().contains(wanted.toLowerCase())) {
                diffs.add("expected the tool call to fail with '" + wanted + "', got "
                        + (error.isEmpty() ? "output " + abbreviate(firstCall.path("output").asText()) : "error: " + error));
            }
            return verdict(diffs, result, elapsed);
        }
        JsonNode expect = c.expectedOutput().orElseThrow(); // TurnCases.validate: at least one expectation
        if (expect.has("route")) {
            judgeRoute(expect.get("route"), result.path("route"), c.tolerance(), diffs);
        }
        if (expect.has("output")) {
            judgeOutput(expect.get("output"), firstCall, c.tolerance(), diffs);
        }
        if (expect.has("answer") && !expect.get("answer").asText().equals(result.path("answer").asText())) {
            diffs.add("answer: expected \"" + abbreviate(expect.get("answer").asText()) + "\", got \""
                    + abbreviate(result.path("answer").asText()) + "\"");
        }
        if (expect.has("stored")) {
            judgeStored(expect.get("stored"), result.path("stored"), diffs);
        }
        return verdict(diffs, result, elapsed);
    }

    private static CaseVerdict verdict(List<String> diffs, JsonNode result, Duration elapsed) {
        return diffs.isEmpty() ? new CaseVerdict.Pass(elapsed) : new CaseVerdict.Fail(String.join("; ", diffs), elapsed);
    }

    private static void judgeRoute(JsonNode expected, JsonNode actual, double tolerance, List<String> diffs) {
        if (expected.path("unrouted").asBoolean(false)) {
            if (actual.has("skill")) {
                diffs.add("route: expected no skill (unrouted), got " + describeRoute(actual));
            }
            return;
        }
        String skill = expected.path("skill").asText();
        if (!skill.equals(actual.path("skill").asText())) {
            diffs.add("route: expected skill '" + skill + "', got " + describeRoute(actual));
            return;
        }
        if (expected.has("arguments")) {
            for (String d : JsonComparison.differences(expected.get("arguments"), actual.path("arguments"), tolerance)) {
                diffs.add("route arguments: " + d);
            }
        }
    }

    private static String describeRoute(JsonNode route) {
        if (route.isMissingNode()) {
            return "no routing decision";
        }
        return route.has("skill") ? "'" + route.path("skill").asText() + "' with " + abbreviate(route.path("arguments").toString())
                : "unrouted (" + abbreviate(route.path("unrouted").asText()) + ")";
    }

    private static void judgeOutput(JsonNode expected, JsonNode call, double tolerance, List<String> diffs) {
        if (call.isMissingNode()) {
            diffs.add("output: expected " + abbreviate(expected.toString()) + ", but no skill was called");
            return;
        }
        if (call.has("error")) {
            diffs.add("output: expected " + abbreviate(expected.toString()) + ", but " + call.path("skill").asText()
                    + " failed: " + call.path("error").asText());
            return;
        }
        try {
            JsonNode actual = JSON.readTree(call.path("output").asText());
            for (String d : JsonComparison.differences(expected, actual, tolerance)) {
                diffs.add("output: " + d);
            }
        } catch (JsonProcessingException e) {
            diffs.add("output: not JSON: " + abbreviate(call.path("output").asText()));
        }
    }

    /** {@code contains}: each text must appear in something stored; {@code excludes}: none may appear anywhere stored. */
    private static void judgeStored(JsonNode expected, JsonNode stored, List<String> diffs) {
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        texts.put("the stored turn", stored.path("turn").asText());
        stored.path("files").properties().forEach(f -> texts.put("hook file " + f.getKey(), f.getValue().asText()));
        for (JsonNode wanted : expected.path("contains")) {
            if (texts.values().stream().noneMatch(t -> t.contains(wanted.asText()))) {
                diffs.add("stored: \"" + abbreviate(wanted.asText()) + "\" was not stored");
            }
        }
        for (JsonNode banned : expected.path("excludes")) {
            texts.forEach((where, text) -> {
                if (text.contains(banned.asText())) {
                    diffs.add("stored: \"" + abbreviate(banned.asText()) + "\" must never be stored, but " + where + " holds it");
                }
            });
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
