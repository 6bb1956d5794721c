package dev.chrysalis.governance.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the sandbox trial said about a candidate (the evolution pipeline's verdict, carried here as data):
 * the overall verdict and one result per replayed case. JSON form:
 * {@code {"verdict":"pass","cases":[{"id":"precedence","outcome":"pass","detail":""}]}}.
 */
public record TrialReport(Verdict verdict, List<CaseResult> cases) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Verdict {
        PASS, FAIL, FLAKY, UNSAFE;

        public String id() {
            return name().toLowerCase();
        }

        public static Optional<Verdict> byId(String id) {
            return Arrays.stream(values()).filter(v -> v.id().equals(id)).findFirst();
        }
    }

    /** @param outcome pass, fail, flaky or unsafe for this case; @param detail what differed, for people */
    public record CaseResult(String id, String outcome, String detail) {
        public CaseResult {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
        }

        public boolean passed() {
            return outcome.equals("pass");
        }
    }

    public TrialReport {
        Objects.requireNonNull(verdict, "verdict");
        cases = List.copyOf(cases);
    }

    public long failedCases() {
        return cases.stream().filter(c -> !c.passed()).count();
    }

    public String toJson() {
        ObjectNode o = JSON.createObjectNode().put("verdict", verdict.id());
        ArrayNode a = o.putArray("cases");
        cases.forEach(c -> a.addObject().put("id", c.id()).put("outcome", c.outcome()).put("detail", c.detail()));
        return o.toString();
    }

    /** @throws BundleFormatException naming {@code source} and the problem */
    public static TrialReport parse(String json, String source) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new BundleFormatException(source + ": trial report is not JSON (" + e.getMessage() + ")");
        }
        if (n == null || !n.isObject() || !n.path("verdict").isTextual()) {
            throw new BundleFormatException(source + ": trial report needs {\"verdict\": \"pass|fail|flaky|unsafe\", \"cases\": [...]}");
        }
        Verdict v = Verdict.byId(n.get("verdict").asText()).orElseThrow(() -> new BundleFormatException(
                source + ": unknown trial verdict '" + n.get("verdict").asText() + "' (pass, fail, flaky, unsafe)"));
        List<CaseResult> cases = new ArrayList<>();
        JsonNode arr = n.path("cases");
        if (!arr.isMissingNode() && !arr.isArray()) {
            throw new BundleFormatException(source + ": 'cases' must be a list");
        }
        int i = 0;
        for (JsonNode c : arr) {
            i++;
            if (!c.path("id").isTextual() || !c.path("outcome").isTextual()) {
                throw new BundleFormatException(source + ": case " + i + " needs text fields 'id' and 'outcome'");
            }
            cases.add(new CaseResult(c.get("id").asText(), c.get("outcome").asText(), c.path("detail").asText("")));
        }
        return new TrialReport(v, cases);
    }
}
