package dev.chrysalis.host.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second process (e.g. `chrysalis evidence ...` beside a running shell) may use the store the host has open. */
class EvidenceSharedAccessTest {

    @TempDir
    Path dataDir;

    @Test
    void anotherProcessCanFlagATurnWhileTheHostHasTheStoreOpenAndTheHostKeepsWorking() throws Exception {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        try (var store = EvidenceStore.open(dataDir)) {
            long id = store.recordTurn(EvidenceFixtures.calculatorTurn("host", 1, t, "2+3*4", "20")).id();
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            Process child = new ProcessBuilder(javaBin, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp,
                    FlaggingChild.class.getName(), dataDir.toString(), String.valueOf(id))
                    .redirectErrorStream(true).start();
            String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(0, child.exitValue(), out);
            assertTrue(out.contains("turns 1"), out);

            // the child's flag is visible here, and the child closing did not close the database under us
            assertEquals(List.of(FailureKind.USER_FLAG), store.evidence(10).getFirst().kinds());
            assertEquals("flagged from another process", store.turn(id).orElseThrow().failures().getFirst().message());
            store.recordTurn(EvidenceFixtures.calculatorTurn("host", 2, t.plusSeconds(1), "1+1", "2"));
            assertEquals(2, store.turnCount("host"));
        }
    }
}
