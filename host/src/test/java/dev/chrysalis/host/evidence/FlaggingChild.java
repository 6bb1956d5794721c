package dev.chrysalis.host.evidence;

import java.nio.file.Path;

/** Child JVM for {@link EvidenceSharedAccessTest}: opens the store beside its owner, flags a turn, closes. */
public final class FlaggingChild {
    private FlaggingChild() {
    }

    public static void main(String[] args) {
        try (var store = EvidenceStore.open(Path.of(args[0]))) {
            long turnId = Long.parseLong(args[1]);
            System.out.println("turns " + store.recentTurns(100).size());
            System.out.println("flagged " + store.flag(turnId, "flagged from another process").id());
        }
    }
}
