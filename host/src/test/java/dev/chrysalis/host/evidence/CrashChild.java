package dev.chrysalis.host.evidence;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Child JVM for {@link EvidenceCrashTest}: records turns until killed, printing "committed N" after each
 * {@code recordTurn} returns (that is, after the commit).
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        var store = EvidenceStore.open(dataDir);
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        for (int i = 0; ; i++) {
            store.recordTurn(EvidenceFixtures.calculatorTurn("crash", i, t.plusSeconds(i), i + "+1", String.valueOf(i + 1)));
            if (i % 3 == 0) {
                store.flag(store.recentTurns("crash", 1).getFirst().id(), "flag " + i);
            }
            System.out.println("committed " + (i + 1));
            System.out.flush();
        }
    }
}
