package dev.chrysalis.evolution.locate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.evolution.bench.SeededBug;
import dev.chrysalis.evolution.bench.SeededBugBench;
import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.mutate.AstMutator;
import dev.chrysalis.evolution.mutate.Mutation;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.search.OperatorStats;
import dev.chrysalis.evolution.support.Build;
import dev.chrysalis.sandbox.trial.TurnCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static slice on the shipped router and redaction hook, each with its seeded bug, from turn-case evidence. */
class HarnessLocatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void aMisrouteRanksTheRoutersGroupMatchingCodeFirst() throws IOException {
        SeededBug bug = SeededBugBench.byName("router-drops-patterns-with-groups");
        Map<String, String> files = seeded(bug);
        Batch batch = batch(bug.skill(), "convert 5 km to miles",
                "{\"route\":{\"skill\":\"units\",\"arguments\":{\"value\":5,\"from\":\"km\",\"to\":\"miles\"}}}",
                "CHECK_FAILED: route: expected skill 'units', got unrouted (no skill fits)");

        Suspicion s = new HarnessLocator().locate(files, batch);

        assertTrue(s.how().contains("misroute"), s.how());
        assertEquals(1.0, s.method("DefaultRouter.route"), "the entry point");
        assertTrue(s.method("RouteRules.fromPatterns") > 0, "rules are compiled on the way from route(): " + s.methods());
        String top = s.lines().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertTrue(top.contains("RouteRule") || top.contains("Tokens"), "a line reading a match's groups ranks first, got " + top);
        String rules = "src/main/java/dev/chrysalis/harness/router/RouteRules.java";
        int check = lineOf(files.get(rules), bug.buggy());
        assertTrue(s.line(rules, check) > 0.8, "the check deciding which named groups a rule keeps uses a group value: " + s.line(rules, check));
        assertEquals(0.0, s.line(rules, 1), "a package line is no suspect");

        int rank = rankOf(files, s, m -> m.file().equals(rules) && m.line() == check && m.what().equals("condition negated"));
        assertTrue(rank >= 0 && rank < 10, "negating the named-group check is among the first ten edits, got rank " + rank);
    }

    @Test
    void aLeakedSecretRanksTheHooksOrderDeclarationFirst() throws IOException {
        SeededBug bug = SeededBugBench.byName("hook-redact-after-turn-log");
        Map<String, String> files = seeded(bug);
        Batch batch = batch(bug.skill(), "my key is AKIAQX3ZJ7LMN2PK5W4T what is 2+3",
                "{\"stored\":{\"excludes\":[\"AKIAQX3ZJ7LMN2PK5W4T\"]}}",
                "CHECK_FAILED: stored: \"AKIAQX3ZJ7LMN2PK5W4T\" must never be stored, but hook file turns.jsonl holds it");

        Suspicion s = new HarnessLocator().locate(files, batch);

        String hook = bug.file();
        int priority = lineOf(files.get(hook), bug.buggy());
        String top = s.lines().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertEquals(s.line(hook, priority), s.lines().get(top), "the PRIORITY declaration scores as high as any line");
        assertEquals(1.0, s.method("RedactSecretsHook.<clinit>"), "the constant priority() returns is the order declaration");
        assertTrue(s.method("RedactSecretsHook.afterTurn") > 0 && s.method("RedactSecretsHook.afterTurn") < 1.0,
                "the redaction code comes after the order: " + s.methods());
        assertTrue(s.method("SecretScanner.redact") > 0, "the redaction reached from afterTurn is a suspect: " + s.methods());

        int rank = rankOf(files, s, m -> m.newSource().contains("PRIORITY = 0;") || m.newSource().contains("PRIORITY = 1;"));
        assertTrue(rank >= 0 && rank < 4, "moving the priority ahead of the turn log is among the first edits, got rank " + rank);
    }

    @Test
    void evidenceThatIsNeitherAMisrouteNorALeakGivesNoInformation() throws IOException {
        SeededBug bug = SeededBugBench.byName("router-drops-patterns-with-groups");
        Batch batch = batch(bug.skill(), "what is 2+3", "{\"answer\":\"5\"}", "CHECK_FAILED: answer: expected \"5\", got \"6\"");
        Suspicion s = new HarnessLocator().locate(seeded(bug), batch);
        assertTrue(s.methods().isEmpty() && s.lines().isEmpty(), s.toString());
    }

    @Test
    void aLeakInAPluginWithNoHookGivesNoInformation() throws IOException {
        SeededBug bug = SeededBugBench.byName("router-drops-patterns-with-groups");
        Batch batch = batch(bug.skill(), "my key is AKIAQX3ZJ7LMN2PK5W4T", "{\"stored\":{\"excludes\":[\"AKIAQX3ZJ7LMN2PK5W4T\"]}}", "");
        Suspicion s = new HarnessLocator().locate(seeded(bug), batch);
        assertTrue(s.methods().isEmpty(), s.toString());
        assertFalse(s.how().contains("misroute"), s.how());
    }

    private static Batch batch(String plugin, String message, String expect, String why) throws IOException {
        EvidenceCase e = new EvidenceCase(TurnCases.of("evidence-1", message, Instant.parse("2026-12-01T10:00:00Z"), 1, JSON.readTree(expect)),
                EvidenceCase.Goal.MATCH);
        return new Batch(plugin + "-1", plugin, List.of(new EvidenceItem(List.of(1L), plugin, why.isEmpty() ? List.of() : List.of(why),
                List.of(), List.of(e))), List.of(), true);
    }

    /** The shipped plugin's main sources with the bug seeded, keyed by path inside the plugin. */
    private static Map<String, String> seeded(SeededBug bug) throws IOException {
        Path dir = Build.projectRoot().resolve(bug.family()).resolve(bug.skill());
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir.resolve("src/main/java"))) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        String text = files.get(bug.file());
        assertTrue(text.contains(bug.original()), "the shipped " + bug.file() + " holds the original of " + bug.name());
        files.put(bug.file(), text.replace(bug.original(), bug.buggy()));
        return files;
    }

    private static int lineOf(String text, String fragment) {
        int at = text.indexOf(fragment);
        assertTrue(at >= 0, fragment);
        return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    private int rankOf(Map<String, String> files, Suspicion s, java.util.function.Predicate<Mutation> fix) {
        Proposals plan = new AstMutator().propose(new MutationRequest(new Batch("b-1", "p", List.of(), List.of(), true), files, s,
                new OperatorStats(temp.resolve("maa"), "p", 0.3)));
        List<String> seen = new ArrayList<>();
        for (int n = 0; plan.hasNext() && n < 200; n++) {
            if (plan.next() instanceof Proposal.Rewrite r) {
                if (fix.test(r.mutation())) {
                    return n;
                }
                seen.add(r.mutation().describe());
            }
        }
        return -1;
    }
}
