package dev.chrysalis.evolution.preserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrysalis.sandbox.trial.Behaviour;
import dev.chrysalis.sandbox.trial.CaseVerdict;
import dev.chrysalis.spi.replay.ReplayCase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NeighbourInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReplayCase call(String id, String skill, ObjectNode input, Map<String, String> files) {
        return new ReplayCase(id, skill, input, Optional.of(JSON.createObjectNode()), Optional.empty(), ReplayCase.DEFAULT_CLOCK, 7,
                files, 0);
    }

    private static ReplayCase expression(String id, String text) {
        return call(id, "calculator", JSON.createObjectNode().put("expression", text), Map.of());
    }

    @Test
    void aStringLosesOneListItemOrOneTokenOrHasANumberSwapped() {
        List<String> edits = NeighbourInputs.stringEdits("round(10/3, 2)");
        assertEquals("round(10/3)", edits.get(0), "the item after the separator goes first: " + edits);
        assertEquals("round( 2)", edits.get(1), "then the item before it: " + edits);
        assertTrue(edits.containsAll(List.of("round(0/3, 2)", "round(10/-1, 2)", "round(10/3, 1)", "(10/3, 2)", "round(10/3, 2", "round(103, 2)")),
                edits.toString());
        assertFalse(edits.contains("round(10/3, 2)"), "never the string itself");
        assertEquals(edits.size(), new HashSet<>(edits).size(), "no edit twice");
        assertEquals(edits, NeighbourInputs.stringEdits("round(10/3, 2)"), "deterministic");
        assertEquals(List.of("max(1,4)", "max(min(2,3),4)", "max(1,min(2),4)", "max(1,min(3),4)", "max(1,min(2,3))"),
                NeighbourInputs.stringEdits("max(1,min(2,3),4)").subList(0, 5), "items are whole bracketed groups at their own depth");
    }

    @Test
    void neighboursComeFromEveryCaseWithHalfFromTheEvidenceAndNeverRepeatARecordedCall() {
        List<ReplayCase> evidence = List.of(expression("e1", "round(10/3, 2)"));
        ReplayCase csv = call("csv", "csv", JSON.createObjectNode().put("file", "d.csv").put("stat", "median").put("places", 2),
                Map.of("d.csv", "x\n1\n2\n3\n"));
        List<ReplayCase> regression = List.of(expression("r1", "2+3*4"), expression("r2", "round(10/3)"), csv,
                new ReplayCase("turn", "turn", JSON.createObjectNode().put("message", "2+2"), Optional.of(JSON.createObjectNode()),
                        Optional.empty(), ReplayCase.DEFAULT_CLOCK, 0, Map.of(), 0));

        List<ReplayCase> all = NeighbourInputs.of(evidence, regression, 30);
        assertEquals(30, all.size());
        assertTrue(all.subList(0, 15).stream().allMatch(n -> n.id().startsWith("e1~")), "the first half is the evidence's");
        Set<String> seeds = new HashSet<>();
        all.forEach(n -> seeds.add(n.id().substring(0, n.id().indexOf('~'))));
        assertEquals(Set.of("e1", "r1", "r2", "csv"), seeds, "every skill case contributes, turn cases none");
        assertFalse(all.stream().anyMatch(n -> n.input().path("expression").asText().equals("round(10/3)")),
                "dropping ', 2' gives a recorded call, which is no neighbour");
        Set<String> keys = new HashSet<>();
        for (ReplayCase n : all) {
            assertTrue(keys.add(n.skill() + n.input() + n.files()), "no neighbour twice: " + n);
            assertEquals(Optional.of(NeighbourInputs.OBSERVED), n.expectedError());
            assertEquals(7, n.seed(), "the recorded call's seed and clock are kept");
        }
        List<ReplayCase> ofCsv = NeighbourInputs.of(List.of(), List.of(csv), 100);
        assertTrue(ofCsv.stream().anyMatch(n -> n.files().get("d.csv").equals("x\n1\n3\n")), "a workspace file loses a line");
        assertTrue(ofCsv.stream().anyMatch(n -> n.input().path("places").asInt() == 3), "a number field moves by one");
        assertTrue(ofCsv.stream().anyMatch(n -> n.input().path("stat").asText().isEmpty()), "a one-token string loses its token");
        assertEquals(all, NeighbourInputs.of(evidence, regression, 30), "deterministic");
        assertEquals(List.of(), NeighbourInputs.of(evidence, regression, 0));
        assertThrows(IllegalArgumentException.class, () -> NeighbourInputs.of(evidence, regression, -1));
    }

    @Test
    void aCandidateFailsTheCheckOnlyWhereItFailsAndMainDidNot() {
        List<ReplayCase> n = List.of(expression("a~1", "round(10/3)"), expression("a~2", "1/0"), expression("a~3", "2+2"));
        Map<String, Behaviour> candidate = Map.of(
                "a~1", new Behaviour.Threw("java.lang.IndexOutOfBoundsException: Index 1 out of bounds for length 1"),
                "a~2", new Behaviour.Ended(new CaseVerdict.Timeout(null, Duration.ofSeconds(1))),
                "a~3", new Behaviour.Returned("{\"value\":\"5\"}"));
        Map<String, Behaviour> main = Map.of("a~1", new Behaviour.Returned("{\"value\":\"3\"}"),
                "a~2", new Behaviour.Threw("ArithmeticException"));

        List<List<String>> asked = new ArrayList<>();
        BehaviourCheck check = BehaviourCheck.compare(n, candidate, those -> {
            asked.add(those.stream().map(ReplayCase::id).toList());
            return main;
        });
        assertEquals(List.of(List.of("a~1", "a~2")), asked, "main is asked once, about the neighbours the candidate failed on");
        assertEquals(1, check.newFailures().size(), check.toString());
        assertTrue(check.newFailures().getFirst().startsWith("a~1 {\"expression\":\"round(10/3)\"}: main returned"), check.toString());
        assertEquals(1, check.failedAsMain(), "a~2 fails on main too: not the candidate's doing");
        assertTrue(check.summary().startsWith("1/3 neighbour inputs handled, 1 failed as on main; fails where main did not on 1"),
                check.summary());

        BehaviourCheck fine = BehaviourCheck.compare(n, Map.of("a~1", new Behaviour.Returned("{}"), "a~2", new Behaviour.Refused("no"),
                "a~3", new Behaviour.Returned("{}")), those -> {
                    throw new AssertionError("main was asked about " + those);
                });
        assertEquals(List.of(), fine.newFailures(), "answering differently is allowed, and main is not asked");
        assertEquals("3/3 neighbour inputs handled", fine.summary());
        var missing = assertThrows(IllegalArgumentException.class, () -> BehaviourCheck.compare(n, candidate, those -> Map.of()));
        assertTrue(missing.getMessage().contains("a~1"), missing.getMessage());
    }
}
