package dev.chrysalis.host.evidence;

import dev.chrysalis.host.agent.CompletedTurn;
import dev.chrysalis.sandbox.turn.ServedBy;
import dev.chrysalis.sandbox.turn.TurnFailure;
import dev.chrysalis.host.agent.TurnRecorder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Stores each turn the agent completes in the evidence store, one transaction per turn. */
public final class EvidenceTurnRecorder implements TurnRecorder {
    private final EvidenceStore store;

    public EvidenceTurnRecorder(EvidenceStore store) {
        this.store = store;
    }

    @Override
    public void record(CompletedTurn turn) {
        store.recordTurn(toNewTurn(turn));
    }

    static NewTurn toNewTurn(CompletedTurn t) {
        // a plugin that served several roles (or several calls) is one bundle; a swap mid-turn gives two digests
        var bundles = new LinkedHashSet<BundleDigest>();
        for (ServedBy s : t.servedBy()) {
            bundles.add(new BundleDigest(s.plugin(), s.version(), s.digest()));
        }
        List<FailureReport> failures = new ArrayList<>();
        for (TurnFailure f : t.failures()) {
            failures.add(toReport(f));
        }
        return new NewTurn(t.sessionId(), t.turnIndex(), t.started(), t.finished(), t.brain(), t.turn().userMessage(),
                t.answer(), t.turn().attributes(), t.turn().toolCalls(), List.copyOf(bundles), failures);
    }

    /**
     * The agent's finer failure kinds map onto the evidence kinds; where the mapping loses the detail
     * (not found, router, hook, brain) the agent's kind leads the message.
     */
    static FailureReport toReport(TurnFailure f) {
        FailureKind kind = switch (f.kind()) {
            case SKILL_ERROR, SKILL_NOT_FOUND -> FailureKind.SKILL_ERROR;
            case SKILL_EXCEPTION, ROUTER_EXCEPTION, HOOK_EXCEPTION, BRAIN_EXCEPTION -> FailureKind.EXCEPTION;
            case SKILL_TIMEOUT -> FailureKind.TIMEOUT;
        };
        boolean exact = switch (f.kind()) {
            case SKILL_ERROR, SKILL_EXCEPTION, SKILL_TIMEOUT -> true;
            default -> false;
        };
        String message = exact ? f.message() : f.kind().name() + ": " + f.message();
        return new FailureReport(kind, java.util.Optional.of(f.source()), message, f.stackTrace());
    }
}
