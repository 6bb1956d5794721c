package dev.chrysalis.host.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.cli.TestBundles;
import dev.chrysalis.host.evidence.BundleDigest;
import dev.chrysalis.host.evidence.EvidenceSummary;
import dev.chrysalis.host.evidence.FailureKind;
import dev.chrysalis.host.evidence.RecordedToolCall;
import dev.chrysalis.host.evidence.TurnRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostControlTest {

    @TempDir
    Path dataDir;

    private HostControl open() {
        return HostControl.open(HostConfig.of(dataDir, TestBundles.provisioned()));
    }

    @Test
    void aFlaggedTurnSurvivesAHostRestartWithItsBundleDigestsAndToolIo() {
        long turnId;
        Map<String, String> liveDigests;
        String session;
        try (HostControl host = open()) {
            session = host.sessionId();
            Answer answer = host.ask("what is 2+3*4");
            assertTrue(answer.text().contains("14"), answer.text());
            turnId = answer.turnId();
            host.evidence().flag(turnId, "I wanted the steps");
            liveDigests = host.plugins().liveDigests();
        }
        try (HostControl host = open()) {
            assertTrue(!host.sessionId().equals(session), "a restart opens a new session");
            List<EvidenceSummary> evidence = host.evidence().evidence(10);
            assertEquals(List.of(turnId), evidence.stream().map(EvidenceSummary::turnId).toList());
            assertEquals(List.of(FailureKind.USER_FLAG), evidence.getFirst().kinds());

            TurnRecord turn = host.evidence().turn(turnId).orElseThrow();
            assertEquals(session, turn.sessionId());
            assertEquals("what is 2+3*4", turn.userMessage());
            RecordedToolCall call = turn.toolCalls().getFirst();
            assertEquals("calculator", call.skill());
            assertEquals("2+3*4", call.input().get("expression").asText());
            assertTrue(call.output().orElseThrow().toString().contains("14"), call.output().toString());
            // every plugin that served the turn is there with the exact jar digest that was live
            assertTrue(turn.bundles().size() >= 2, "skill and router at least: " + turn.bundles());
            for (BundleDigest b : turn.bundles()) {
                assertEquals(liveDigests.get(b.symbolicName()), b.sha256(), b.toString());
            }
            assertTrue(turn.bundles().stream().anyMatch(b -> b.symbolicName().contains("calculator")), turn.bundles().toString());
        }
    }
}
