package dev.chrysalis.governance.promotion;

import dev.chrysalis.governance.approval.ApprovalRefusedException;
import dev.chrysalis.governance.approval.ApprovalService;
import dev.chrysalis.governance.approval.CandidateStatus;
import dev.chrysalis.governance.approval.Clearance;
import dev.chrysalis.governance.audit.AuditLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Promotes cleared candidates: shadow, canary, full swap, probation, then promoted; or back to the last good
 * version when a gate fails, a step fails, someone aborts, or the host restarts in the middle.
 *
 * <p>Every transition is written to the plugin's {@link PromotionJournal} (forced to disk) before any of its
 * effects, audited after them, and marked done in the journal last. {@link #recover()} reads the journals at
 * start-up and lands every interrupted promotion on the last good digest (or, when the final "promoted" step
 * had already begun, completes it), so the live version is never half-way and the journal and audit log say
 * which. Thread-safe: the host calls {@link CallRouting} from its call threads.
 */
public final class PromotionController {
    private static final System.Logger LOG = System.getLogger(PromotionController.class.getName());
    public static final String ACTOR = "promotion-controller";

    private final PromotionPlan plan;
    private final LiveSwitch live;
    private final TrafficTap tap;
    private final ApprovalService approvals;
    private final AuditLog audit;
    private final Path journalDir;
    private final Clock clock;
    private final StepListener steps;
    private final Map<String, Active> active = new HashMap<>();
    private final Map<String, PromotionStatus> finished = new LinkedHashMap<>();

    public PromotionController(PromotionPlan plan, LiveSwitch live, TrafficTap tap, ApprovalService approvals, AuditLog audit,
                               Path journalDir, Clock clock, StepListener steps) {
        this.plan = plan;
        this.live = live;
        this.tap = tap;
        this.approvals = approvals;
        this.audit = audit;
        this.journalDir = journalDir;
        this.clock = clock;
        this.steps = steps;
    }

    /** Starts promoting {@code artifact}, which must be cleared (auto-approved by policy or approved by a person). */
    public synchronized PromotionStatus start(String plugin, Path artifact, String by) {
        if (active.containsKey(plugin)) {
            throw new PromotionException(plugin + " already has a promotion in progress (" + active.get(plugin).record.promotion() + ")");
        }
        var journal = new PromotionJournal(journalDir, plugin);
        List<JournalRecord> records = journal.read();
        if (!records.isEmpty()) {
            JournalRecord last = records.getLast();
            if (!(last.state().terminal() && last.phase() == JournalRecord.Phase.DONE)) {
                throw new PromotionException(plugin + ": promotion " + last.promotion() + " was interrupted in "
                        + last.state().id() + "; run recovery first");
            }
        }
        Clearance clearance = approvals.clearance(plugin, artifact);
        if (!(clearance instanceof Clearance.Cleared cleared)) {
            audit.append(by, "promotion.refused", plugin, clearance.explanation());
            throw new PromotionException("cannot promote " + plugin + ": " + clearance.explanation());
        }
        String lastGood = live.liveDigest(plugin).orElse("");
        if (cleared.digest().equals(lastGood)) {
            throw new PromotionException(plugin + "@" + lastGood + " is already live");
        }
        long n = records.stream().map(JournalRecord::promotion).distinct().count() + 1;
        var record = new JournalRecord(plugin + "#" + n, plugin, cleared.digest(), lastGood, artifact.toAbsolutePath().toString(),
                PromotionState.CLEARED, JournalRecord.Phase.DONE, "cleared by " + cleared.by() + ", started by " + by, clock.instant());
        journal.append(record);
        steps.reached("journal:cleared:done");
        audit.append(by, "promotion.cleared", subject(record), "promotion " + record.promotion() + "; cleared by " + cleared.by()
                + "; last good " + (lastGood.isEmpty() ? "(none: first install)" : lastGood));
        steps.reached("audit:cleared");
        Active a = new Active(journal, record);
        active.put(plugin, a);
        if (transition(a, PromotionState.SHADOW, "promotion started")) {
            advanceIfDone(a);
        }
        return a.status();
    }

    /** Rolls back a promotion in progress (a person's decision, or the host shutting a plugin down). */
    public synchronized void abort(String plugin, String by, String reason) {
        Active a = active.get(plugin);
        if (a == null) {
            throw new PromotionException(plugin + " has no promotion in progress");
        }
        rollBack(a, "aborted by " + by + ": " + reason);
    }

    /** Re-checks time-based conditions (the probation window); the host calls it now and then. */
    public synchronized void tick() {
        for (Active a : List.copyOf(active.values())) {
            advanceIfDone(a);
        }
    }

    public synchronized Optional<PromotionStatus> status(String plugin) {
        Active a = active.get(plugin);
        return a != null ? Optional.of(a.status()) : Optional.ofNullable(finished.get(plugin));
    }

    /** Promotions in progress first, then the latest finished one of each plugin. */
    public synchronized List<PromotionStatus> statuses() {
        List<PromotionStatus> out = new ArrayList<>();
        active.values().forEach(a -> out.add(a.status()));
        finished.values().stream().filter(s -> !active.containsKey(s.plugin())).forEach(out::add);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ recovery

    /**
     * Reads every journal and makes the live state agree with it: an interrupted promotion is rolled back to
     * its last good digest, or completed when its final step had begun; a finished one is checked against the
     * live digest and repaired if they differ. Call once at start-up, before any traffic.
     */
    public synchronized List<RecoveryOutcome> recover() {
        List<RecoveryOutcome> out = new ArrayList<>();
        if (!Files.isDirectory(journalDir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(journalDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
        } catch (IOException e) {
            throw new PromotionException("cannot list promotion journals in " + journalDir + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            String plugin = name.substring(0, name.length() - ".journal".length());
            if (active.containsKey(plugin)) {
                continue;
            }
            var journal = new PromotionJournal(journalDir, plugin);
            List<JournalRecord> records = journal.read();
            if (!records.isEmpty()) {
                out.add(recoverOne(journal, records.getLast()));
            }
        }
        return out;
    }

    private RecoveryOutcome recoverOne(PromotionJournal journal, JournalRecord last) {
        String where = last.state().id() + " (" + last.phase().name().toLowerCase() + ")";
        if (last.state().terminal() && last.phase() == JournalRecord.Phase.DONE) {
            String expected = last.state() == PromotionState.PROMOTED ? last.candidate() : last.lastGood();
            String now = live.liveDigest(last.plugin()).orElse("");
            finished.put(last.plugin(), statusOf(last, GateReadings.NONE));
            if (now.equals(expected)) {
                return new RecoveryOutcome(last.plugin(), last.promotion(), last.state(), now, false,
                        "journal ends " + where + "; live is " + label(now) + " as expected");
            }
            try {
                makeLive(last.plugin(), expected);
            } catch (SwitchException e) {
                audit.append(ACTOR, "promotion.recovery-failed", subject(last), "live is " + label(now) + ", journal says "
                        + label(expected) + ": " + e.getMessage());
                throw new PromotionException("recovery of " + last.plugin() + " failed: " + e.getMessage(), e);
            }
            String why = "journal ends " + where + " but live was " + label(now) + "; set live to " + label(expected);
            audit.append(ACTOR, "promotion.recovered", subject(last), why);
            return new RecoveryOutcome(last.plugin(), last.promotion(), last.state(), expected, true, why);
        }
        Active a = new Active(journal, last);
        active.put(last.plugin(), a);
        String reason = "recovered after a crash in " + where;
        switch (last.state()) {
            case PROMOTED -> {
                a.state = PromotionState.PROBATION;
                transition(a, PromotionState.PROMOTED, reason + ": probation had passed, completing");
            }
            case ROLLED_BACK -> {
                a.state = PromotionState.ROLLING_BACK;
                transition(a, PromotionState.ROLLED_BACK, reason);
            }
            case ROLLING_BACK -> {
                if (last.phase() == JournalRecord.Phase.BEGIN) {
                    a.state = PromotionState.CLEARED;
                    transition(a, PromotionState.ROLLING_BACK, reason);
                } else {
                    a.state = PromotionState.ROLLING_BACK;
                }
                transition(a, PromotionState.ROLLED_BACK, reason);
            }
            default -> {
                a.state = last.state();
                rollBack(a, reason);
            }
        }
        active.remove(last.plugin());
        PromotionState end = a.state;
        String landed = live.liveDigest(last.plugin()).orElse("");
        String explanation = reason + "; landed on " + (end == PromotionState.PROMOTED ? "new " : "last-good ") + label(landed);
        audit.append(ACTOR, "promotion.recovered", subject(last), explanation);
        return new RecoveryOutcome(last.plugin(), last.promotion(), end, landed, true, explanation);
    }

    // ------------------------------------------------------------------------------------------------ transitions

    /**
     * Journal BEGIN, effects, audit, journal DONE. Returns false when the effects failed and the promotion
     * was rolled back instead.
     */
    private boolean transition(Active a, PromotionState to, String reason) {
        if (!a.state.canMoveTo(to)) {
            throw new IllegalStateException(a.record.promotion() + ": illegal transition " + a.state + " -> " + to);
        }
        PromotionState from = a.state;
        Instant now = clock.instant();
        a.journal.append(a.record.next(to, JournalRecord.Phase.BEGIN, reason, now));
        steps.reached("journal:" + to.id() + ":begin");
        try {
            effect(a, to);
        } catch (SwitchException | RuntimeException e) {
            String failure = "entering " + to.id() + " failed: " + e.getMessage();
            LOG.log(System.Logger.Level.WARNING, a.record.promotion() + ": " + failure, e);
            audit.append(ACTOR, "promotion.step-failed", subject(a.record), failure);
            if (to == PromotionState.ROLLING_BACK || to == PromotionState.ROLLED_BACK) {
                throw new PromotionException(a.record.promotion() + ": rollback failed, live state must be recovered: "
                        + e.getMessage(), e);
            }
            rollBack(a, failure);
            return false;
        }
        steps.reached("effect:" + to.id());
        audit.append(ACTOR, "promotion." + to.id(), subject(a.record), from.id() + " -> " + to.id() + ": " + reason
                + (a.calls > 0 ? "; " + a.readings() : ""));
        steps.reached("audit:" + to.id());
        a.record = a.record.next(to, JournalRecord.Phase.DONE, reason, now);
        a.journal.append(a.record);
        steps.reached("journal:" + to.id() + ":done");
        a.state = to;
        a.enter(now, reason);
        if (to.terminal()) {
            active.remove(a.record.plugin());
            finished.put(a.record.plugin(), a.status());
        }
        return true;
    }

    private void effect(Active a, PromotionState to) throws SwitchException {
        String plugin = a.record.plugin();
        switch (to) {
            case SHADOW -> {
                setStatus(a, CandidateStatus.PROMOTING);
                live.stage(plugin, a.record.candidate(), Path.of(a.record.artifact()));
                tap.install(plugin, a);
            }
            case FULL -> live.swapTo(plugin, a.record.candidate());
            case PROMOTED -> {
                tap.remove(plugin);
                setStatus(a, CandidateStatus.PROMOTED);
            }
            case ROLLING_BACK -> {
                tap.remove(plugin);
                makeLive(plugin, a.record.lastGood());
                live.unstage(plugin, a.record.candidate());
            }
            case ROLLED_BACK -> setStatus(a, CandidateStatus.ROLLED_BACK);
            case CLEARED, CANARY, PROBATION -> {
                // routing changes with the state; nothing to do in the host
            }
        }
    }

    private void makeLive(String plugin, String digest) throws SwitchException {
        if (digest.isEmpty()) {
            live.uninstall(plugin);
        } else {
            live.swapTo(plugin, digest);
        }
    }

    private void setStatus(Active a, CandidateStatus status) {
        try {
            approvals.setStatus(a.record.plugin(), a.record.candidate(), status);
        } catch (ApprovalRefusedException e) {
            LOG.log(System.Logger.Level.WARNING, a.record.promotion() + ": cannot mark submission " + status.id() + ": " + e.getMessage());
        }
    }

    private void rollBack(Active a, String reason) {
        if (a.state.terminal()) {
            return;
        }
        if (a.state != PromotionState.ROLLING_BACK) {
            transition(a, PromotionState.ROLLING_BACK, reason);
        }
        transition(a, PromotionState.ROLLED_BACK, reason);
    }

    private void advanceIfDone(Active a) {
        while (active.get(a.record.plugin()) == a) {
            Instant now = clock.instant();
            switch (a.state) {
                case SHADOW -> {
                    if (a.calls < plan.shadowCalls()) {
                        return;
                    }
                    if (!transition(a, PromotionState.CANARY, "shadow passed: " + a.readings())) {
                        return;
                    }
                }
                case CANARY -> {
                    if (a.calls < plan.canaryCalls()) {
                        return;
                    }
                    if (!transition(a, PromotionState.FULL, "canary passed: " + a.readings())) {
                        return;
                    }
                }
                case FULL -> {
                    if (!transition(a, PromotionState.PROBATION, "swapped in; probation for " + plan.probationCalls()
                            + " calls and " + plan.probationTime())) {
                        return;
                    }
                }
                case PROBATION -> {
                    if (a.calls < plan.probationCalls() || now.isBefore(a.since.plus(plan.probationTime()))) {
                        return;
                    }
                    transition(a, PromotionState.PROMOTED, "probation passed: " + a.readings());
                    return;
                }
                default -> {
                    return;
                }
            }
        }
    }

    private Optional<String> gateFailure(Active a) {
        String stage = a.state.id();
        if (a.state == PromotionState.SHADOW) {
            if (a.calls >= plan.minCallsForGate()) {
                if (a.rate(a.errors) > plan.maxErrorRate()) {
                    return Optional.of("gate failed in shadow: candidate error rate " + fmt(a.rate(a.errors)) + " > " + plan.maxErrorRate());
                }
                if (a.rate(a.mismatches) > plan.maxShadowMismatch()) {
                    return Optional.of("gate failed in shadow: answers differ from live in " + fmt(a.rate(a.mismatches))
                            + " of calls > " + plan.maxShadowMismatch());
                }
            }
            return Optional.empty();
        }
        if (a.risk.max() > plan.maxSessionRisk()) {
            return Optional.of("gate failed in " + stage + ": session " + a.risk.riskiestSession() + " risk "
                    + fmt(a.risk.max()) + " > " + plan.maxSessionRisk());
        }
        if (a.calls >= plan.minCallsForGate()) {
            if (a.rate(a.errors) > plan.maxErrorRate()) {
                return Optional.of("gate failed in " + stage + ": error rate " + fmt(a.rate(a.errors)) + " > " + plan.maxErrorRate());
            }
            if (a.rate(a.evidence) > plan.maxEvidenceRate()) {
                return Optional.of("gate failed in " + stage + ": new evidence rate " + fmt(a.rate(a.evidence)) + " > " + plan.maxEvidenceRate());
            }
        }
        return Optional.empty();
    }

    private synchronized Route route(Active a, String callId) {
        if (active.get(a.record.plugin()) != a) {
            return new Route.Live();
        }
        return switch (a.state) {
            case SHADOW -> new Route.Shadow(a.record.candidate());
            case CANARY -> canaryBucket(callId) < plan.canaryPercent() ? new Route.Candidate(a.record.candidate()) : new Route.Live();
            default -> new Route.Live();
        };
    }

    /**
     * The call's bucket 0..99: a fixed function of the call id (a 64-bit mix of its hash, so consecutive ids
     * spread evenly), which makes the canary share deterministic: about {@code canaryPercent} of any run of calls.
     */
    public static int canaryBucket(String callId) {
        long z = callId.hashCode() * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (int) Math.floorMod(z, 100L);
    }

    /** Never throws into the host's call path: a failure here is logged, and recovery settles the promotion. */
    private synchronized void observe(Active a, CallObservation o) {
        try {
            observeUnsafe(a, o);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, a.record.promotion() + ": handling a call observation failed; the promotion "
                    + "stays where its journal says until recovery: " + e.getMessage(), e);
        }
    }

    private void observeUnsafe(Active a, CallObservation o) {
        if (active.get(a.record.plugin()) != a) {
            return;
        }
        boolean counted = switch (a.state) {
            case SHADOW -> o.shadow().isPresent();
            case CANARY, PROBATION -> o.servedBy().equals(a.record.candidate());
            default -> false;
        };
        if (!counted) {
            return;
        }
        a.calls++;
        if (a.state == PromotionState.SHADOW) {
            CallObservation.ShadowResult r = o.shadow().orElseThrow();
            a.errors += r.candidateFailed() ? 1 : 0;
            a.mismatches += r.sameAnswer() ? 0 : 1;
        } else {
            a.errors += o.failed() ? 1 : 0;
            a.evidence += o.evidence() ? 1 : 0;
            a.risk.record(o);
        }
        steps.reached("observe:" + a.state.id());
        Optional<String> failure = gateFailure(a);
        if (failure.isPresent()) {
            rollBack(a, failure.get());
        } else {
            advanceIfDone(a);
        }
    }

    private PromotionStatus statusOf(JournalRecord r, GateReadings readings) {
        return new PromotionStatus(r.promotion(), r.plugin(), r.candidate(), r.lastGood(), r.state(), r.at(), readings, r.reason());
    }

    private static String subject(JournalRecord r) {
        return r.plugin() + "@" + r.candidate();
    }

    private static String label(String digest) {
        return digest.isEmpty() ? "(not installed)" : digest;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }

    /** One promotion in progress: its journal, state and the counters of the current stage. */
    private final class Active implements CallRouting {
        final PromotionJournal journal;
        JournalRecord record;
        PromotionState state;
        Instant since;
        String reason;
        int calls;
        int errors;
        int evidence;
        int mismatches;
        SessionRiskMemory risk = new SessionRiskMemory(plan.riskDecay());

        Active(PromotionJournal journal, JournalRecord record) {
            this.journal = journal;
            this.record = record;
            this.state = record.state();
            this.since = record.at();
            this.reason = record.reason();
        }

        void enter(Instant at, String why) {
            since = at;
            reason = why;
            calls = 0;
            errors = 0;
            evidence = 0;
            mismatches = 0;
            risk = new SessionRiskMemory(plan.riskDecay());
        }

        double rate(int count) {
            return calls == 0 ? 0 : (double) count / calls;
        }

        GateReadings readings() {
            return new GateReadings(calls, rate(errors), rate(evidence), rate(mismatches), risk.max());
        }

        PromotionStatus status() {
            return new PromotionStatus(record.promotion(), record.plugin(), record.candidate(), record.lastGood(), state,
                    since, readings(), reason);
        }

        @Override
        public Route route(String sessionId, String callId) {
            return PromotionController.this.route(this, callId);
        }

        @Override
        public void observe(CallObservation observation) {
            PromotionController.this.observe(this, observation);
        }
    }
}
