package dev.chrysalis.host.evolve;

import dev.chrysalis.evolution.evidence.Batch;
import dev.chrysalis.evolution.evidence.EvidenceCase;
import dev.chrysalis.evolution.pipeline.EvolutionResult;
import dev.chrysalis.evolution.workspace.PluginSource;
import dev.chrysalis.governance.Governance;
import dev.chrysalis.governance.approval.ApprovalRefusedException;
import dev.chrysalis.governance.approval.ApprovalService;
import dev.chrysalis.governance.approval.Submission;
import dev.chrysalis.governance.policy.TrialReport;
import dev.chrysalis.host.runtime.PluginInfo;
import dev.chrysalis.host.runtime.PluginRuntime;
import dev.chrysalis.spi.replay.ReplayCase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hands a passing candidate to governance: the bundle is proposed under the evolution loop's machine identity
 * (which can never approve), against the live jar as baseline, with the trial's per-case results. The policy then
 * decides; a candidate that needs a person waits as a pending submission in the approval web UI. Nothing here
 * swaps anything live.
 */
public final class GovernanceHandoff {
    private GovernanceHandoff() {
    }

    /** The live jar of a workspace plugin in this runtime, when it runs here (by folder name, else symbolic name). */
    public static Optional<Path> liveJar(PluginRuntime runtime, PluginSource plugin) {
        Optional<PluginInfo> info = runtime.plugin(plugin.name());
        if (info.isEmpty()) {
            info = runtime.plugins().stream().filter(p -> p.symbolicName().equals(plugin.symbolicName())).findFirst();
        }
        return info.map(PluginInfo::liveJar);
    }

    /** The sandbox trial of the winner as governance records it: every evidence case fixed, every regression case kept. */
    public static TrialReport trialReport(EvolutionResult.HandedToGovernance handed, Batch batch) {
        List<TrialReport.CaseResult> cases = new ArrayList<>();
        Set<String> evidenceIds = new HashSet<>();
        Set<String> evidenceCalls = new HashSet<>();
        for (EvidenceCase e : batch.evidenceCases()) {
            evidenceIds.add(e.replay().id());
            evidenceCalls.add(e.dedupKey());
        }
        for (String id : handed.winner().evidenceFixed()) {
            cases.add(new TrialReport.CaseResult(id, "pass", "evidence fixed"));
        }
        for (ReplayCase r : batch.regression()) {
            if (!evidenceIds.contains(r.id()) && !evidenceCalls.contains(r.skill() + "\u0000" + r.input())) {
                cases.add(new TrialReport.CaseResult(r.id(), "pass", "regression case kept"));
            }
        }
        return new TrialReport(TrialReport.Verdict.PASS, cases);
    }

    /** Proposes the winner; when this exact bundle was proposed before, the existing submission. */
    public static Submission propose(Governance governance, EvolutionResult.HandedToGovernance handed, Batch batch, PluginSource plugin,
                                     Optional<Path> baseline) {
        try {
            return governance.propose(handed.bundle(), baseline, ApprovalService.EVOLUTION, Optional.of(trialReport(handed, batch))).submission();
        } catch (ApprovalRefusedException e) {
            return governance.approvals().submission(plugin.symbolicName(), handed.winner().sha256().orElseThrow()).orElseThrow(() -> e);
        }
    }
}
