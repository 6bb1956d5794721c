package dev.chrysalis.evolution.support;

import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.evidence.EvidenceItem;
import dev.chrysalis.evolution.locate.Suspicion;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.search.OperatorStats;
import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A one-file skill with an off-by-one ({@code return v + 1;} on line 8 where {@code return v;} is right), its
 * evidence (a call that answered 4 instead of 3, with a stack trace into {@code Clamp.clamp}) and one
 * regression case: small enough for mutator tests to show a model or an agent the whole plugin.
 */
public final class ClampPlugin {
    public static final String FILE = "src/main/java/dev/chrysalis/skill/clamp/Clamp.java";
    public static final String SOURCE = """
            package dev.chrysalis.skill.clamp;

            public final class Clamp {
                static int clamp(int v, int max) {
                    if (v > max) {
                        return max;
                    }
                    return v + 1;
                }

                static String name() {
                    return "clamp";
                }
            }
            """;
    public static final String REPLAY = "{\"id\":\"big\",\"input\":{\"v\":12,\"max\":9},\"expect\":{\"value\":9}}\n";

    private ClampPlugin() {
    }

    /** The sealed batch: one evidence item, the replay file as regression cases. */
    public static Batch batch() {
        ReplayCase bad = ReplayCases.parse("{\"id\":\"turn-1-call-0\",\"input\":{\"v\":3,\"max\":9},\"expect\":{\"value\":3}}", "clamp",
                "evidence").getFirst();
        EvidenceItem item = new EvidenceItem(List.of(1L), "clamp", List.of("expected {\"value\":3} but got {\"value\":4}"),
                List.of("java.lang.AssertionError: value\n\tat dev.chrysalis.skill.clamp.Clamp.clamp(Clamp.java:8)"),
                List.of(new EvidenceCase(bad, EvidenceCase.Goal.MATCH)));
        return new Batch("clamp-1", "clamp", List.of(item), ReplayCases.parse(REPLAY, "clamp", "replay.jsonl"), true);
    }

    /** A mutator's request for main: the plugin's files, the method located from the stack trace. */
    public static MutationRequest request(Path maaDir) {
        return new MutationRequest(batch(), Map.of(FILE, SOURCE, "SKILL.md", "# clamp\n", "pom.xml", "<project/>\n"),
                new Suspicion(Map.of("Clamp.clamp", 1.0), Map.of(), "stack traces"), new OperatorStats(maaDir, "clamp", 0.3));
    }

    /** A project root holding {@code skills/clamp}, for a workspace. */
    public static Path project(Path root) throws IOException {
        Path dir = root.resolve("skills/clamp");
        Files.createDirectories(dir.resolve(FILE).getParent());
        Files.writeString(dir.resolve("pom.xml"), "<project><parent><artifactId>chrysalis-skills</artifactId></parent>"
                + "<artifactId>skill-clamp</artifactId></project>");
        Files.writeString(dir.resolve("replay.jsonl"), REPLAY);
        Files.writeString(dir.resolve(FILE), SOURCE);
        return root;
    }
}
