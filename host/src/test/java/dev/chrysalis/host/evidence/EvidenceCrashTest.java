package dev.chrysalis.host.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceCrashTest {

    @TempDir
    Path dataDir;

    @Test
    void turnsCommittedBeforeTheHostIsKilledAreAllThereAfterReopening() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-cp", cp,
                CrashChild.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        int committed = 0;
        var out = new StringBuilder();
        try (var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (committed < 25 && (line = reader.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith("committed ")) {
                    committed = Integer.parseInt(line.substring("committed ".length()));
                }
            }
            // kill -9 while it is in the middle of writing more turns
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
        assertTrue(committed >= 25, "child stopped early:\n" + out);

        try (var store = EvidenceStore.open(dataDir)) {
            int stored = store.turnCount("crash");
            assertTrue(stored >= committed, "only " + stored + " of " + committed + " committed turns survived");
            var turns = store.recentTurns("crash", stored);
            for (int i = 0; i < stored; i++) {
                TurnRecord t = turns.get(i);
                assertEquals(i, t.turnIndex());
                assertEquals("what is " + i + "+1", t.userMessage());
                assertEquals(1, t.toolCalls().size(), "turn " + i + " lost its tool call");
                assertEquals(2, t.bundles().size(), "turn " + i + " lost its bundle digests");
            }
            for (int i = 0; i < committed; i += 3) {
                assertEquals(1, turns.get(i).failures().size(), "flag of turn " + i + " lost");
            }
            // the store is writable again after the crash
            store.recordTurn(EvidenceFixtures.calculatorTurn("crash", stored, java.time.Instant.now(), "0+0", "0"));
        }
    }
}
