package dev.chrysalis.evolution.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EvidenceCurationTest {
    static final List<PluginSource> PLUGINS = List.of(
            new PluginSource("calculator", "skill", "dev.chrysalis.skill.skill-calculator", ""),
            new PluginSource("hook-redact-secrets", "harness", "dev.chrysalis.harness.harness-hook-redact-secrets", ""));
    static final Map<String, Set<String>> PACKAGES = Map.of("calculator", Set.of("dev.chrysalis.skill.calculator"),
            "hook-redact-secrets", Set.of("dev.chrysalis.harness.redact"));
    final EvidenceReader reader = new EvidenceReader(new ObjectMapper(), PLUGINS, PACKAGES);

    static String line(long id, String failure, String calls) {
        return "{\"evidence\":" + id + ",\"failures\":[" + failure + "],\"calls\":[" + calls + "]}";
    }

    static String call(String expr, String value) {
        return "{\"id\":\"turn-1-call-0\",\"skill\":\"calculator\",\"input\":{\"expression\":\"" + expr + "\"},"
                + "\"expect\":{\"value\":\"" + value + "\"},\"clock\":\"2026-02-03T04:05:06Z\",\"summary\":\"s\",\"durationMicros\":12}";
    }

    @Test
    void locatesThePluginFromTheFailureThenStackFramesThenTheCalledSkill() {
        String flagged = line(1, "{\"kind\":\"USER_FLAG\",\"plugin\":\"calculator\",\"message\":\"wrong\"}", call("2+3*4", "20"));
        String traced = line(2, "{\"kind\":\"SKILL_THREW\",\"message\":\"boom\",\"stackTrace\":\"java.lang.IllegalStateException: boom\\n"
                + "\\tat java.base/java.util.Objects.requireNonNull(Objects.java:1)\\n"
                + "\\tat dev.chrysalis.harness.redact.SecretScanner.scan(SecretScanner.java:40)\"}", "");
        String byCall = line(3, "{\"kind\":\"GRADER\",\"message\":\"low score\"}", call("1/8", "0.12"));
        List<EvidenceItem> items = reader.read(flagged + "\n\n# comment\n" + traced + "\n" + byCall + "\n", "export.jsonl");
        assertEquals(List.of("calculator", "hook-redact-secrets", "calculator"), items.stream().map(EvidenceItem::plugin).toList());
        EvidenceCase c = items.getFirst().cases().getFirst();
        assertEquals(EvidenceCase.Goal.CHANGE, c.goal(), "a flagged recording is the wrong behaviour");
        assertEquals("20", c.replay().expectedOutput().orElseThrow().path("value").asText());
        assertTrue(items.get(1).stackTraces().getFirst().contains("SecretScanner.scan"));
    }

    @Test
    void aCorrectionMakesTheCaseAMatchGoal() {
        String withCorrection = line(4, "{\"kind\":\"USER_FLAG\",\"plugin\":\"calculator\",\"message\":\"precedence\"}",
                call("2+3*4", "20").replace("\"summary\"", "\"correct\":{\"expect\":{\"value\":\"14\"}},\"summary\""));
        EvidenceCase c = reader.read(withCorrection, "x").getFirst().cases().getFirst();
        assertEquals(EvidenceCase.Goal.MATCH, c.goal());
        assertEquals("14", c.replay().expectedOutput().orElseThrow().path("value").asText());
    }

    @Test
    void badLinesAreRefusedNamingTheLineAndTheProblem() {
        var e = assertThrows(EvidenceFormatException.class, () -> reader.read("{\"evidence\":1}\n{oops", "export.jsonl"));
        assertTrue(e.getMessage().startsWith("export.jsonl line 1: evidence 1 names no known plugin"), e.getMessage());
        var e2 = assertThrows(EvidenceFormatException.class, () -> reader.read("{oops", "export.jsonl"));
        assertTrue(e2.getMessage().startsWith("export.jsonl line 1: not valid JSON"), e2.getMessage());
        var e3 = assertThrows(EvidenceFormatException.class, () -> reader.read(
                line(5, "{\"plugin\":\"calculator\"}", "{\"id\":\"c\",\"input\":{}}"), "export.jsonl"));
        assertTrue(e3.getMessage().contains("needs exactly one of 'expect' and 'expectError'"), e3.getMessage());
    }

    @Test
    void batchesSealAtTheirSizeOrOnDemandAndDuplicatesMerge() {
        List<ReplayCase> regression = ReplayCases.parse("{\"id\":\"r\",\"input\":{\"expression\":\"1\"},\"expect\":{\"value\":\"1\"}}",
                "calculator", "replay.jsonl");
        BatchCurator curator = new BatchCurator(3, plugin -> plugin.equals("calculator") ? regression : List.of());
        EvidenceItem a = reader.read(line(1, "{\"plugin\":\"calculator\",\"message\":\"m1\"}", call("1+1", "3")), "x").getFirst();
        EvidenceItem aAgain = reader.read(line(2, "{\"plugin\":\"calculator\",\"message\":\"m2\"}", call("1+1", "3")), "x").getFirst();
        EvidenceItem b = reader.read(line(3, "{\"plugin\":\"calculator\"}", call("2+2", "5")), "x").getFirst();
        EvidenceItem c = reader.read(line(4, "{\"plugin\":\"calculator\"}", call("3+3", "7")), "x").getFirst();
        assertEquals(Optional.empty(), curator.add(a));
        assertEquals(Optional.empty(), curator.add(aAgain));
        assertEquals(Optional.empty(), curator.add(b));
        assertEquals(List.of(1L, 2L), curator.openBatches().getFirst().items().getFirst().evidenceIds());
        Batch sealed = curator.add(c).orElseThrow();
        assertEquals("calculator-1", sealed.id());
        assertEquals(3, sealed.items().size());
        assertEquals(regression, sealed.regression());
        assertTrue(sealed.sealed());
        assertEquals(2, sealed.items().getFirst().why().size());
        curator.add(reader.read(line(9, "{\"plugin\":\"calculator\"}", call("9", "8")), "x").getFirst());
        assertEquals("calculator-2", curator.sealAll().getFirst().id());
        assertEquals(Optional.empty(), curator.seal("calculator"));
    }
}
