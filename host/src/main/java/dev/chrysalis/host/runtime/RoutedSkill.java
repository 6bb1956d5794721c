package dev.chrysalis.host.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrysalis.governance.promotion.CallObservation;
import dev.chrysalis.governance.promotion.CallRouting;
import dev.chrysalis.sandbox.guard.SandboxViolation;
import dev.chrysalis.spi.skill.RoutePattern;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillExample;
import dev.chrysalis.spi.skill.SkillResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A skill call of a plugin under promotion: the answer comes from {@code serving} (the live version, or the
 * candidate on a canary call), and what happened is reported to the promotion's {@link CallRouting}. On a
 * shadow call the candidate also gets a copy of the input afterwards, off the caller's thread; its answer is
 * compared with the live one and only the comparison is reported, never the answer.
 *
 * <p>Observations are handed to {@code observer} rather than reported on the caller's thread: a gate that
 * fails there rolls the plugin back, and that swap waits for the very lease this call holds.
 */
final class RoutedSkill implements Skill {
    /** Risk a guard denial adds to a call's session (a clear sign of a misbehaving version). */
    static final double VIOLATION_RISK = 1.0;

    private final Skill serving;
    private final String servedBy;
    private final String sessionId;
    private final CallRouting routing;
    private final Executor observer;
    private final Optional<Supplier<Optional<PluginLease<Skill>>>> shadow;

    /**
     * @param shadow leases the staged candidate for a shadow copy (empty: not a shadow call; an empty lease:
     *               the candidate is gone, the copy is skipped)
     */
    RoutedSkill(Skill serving, String servedBy, String sessionId, CallRouting routing, Executor observer,
                Optional<Supplier<Optional<PluginLease<Skill>>>> shadow) {
        this.serving = serving;
        this.servedBy = servedBy;
        this.sessionId = sessionId;
        this.routing = routing;
        this.observer = observer;
        this.shadow = shadow;
    }

    /** How one invocation ended, as the gates judge it. */
    record Outcome(Optional<SkillResult> result, Optional<Throwable> thrown) {
        /** A bug, a missing result or a guard denial; a {@link SkillException} is an explained answer, not a failure. */
        boolean failed() {
            return result.isEmpty() && !(thrown.orElse(null) instanceof SkillException);
        }

        /** Every failed tool call makes its turn evidence, explained or not. */
        boolean evidence() {
            return result.isEmpty();
        }

        double risk() {
            return violation(thrown.orElse(null)) ? VIOLATION_RISK : 0;
        }

        boolean sameAs(Outcome other) {
            if (result.isPresent() && other.result.isPresent()) {
                return result.get().output().equals(other.result.get().output());
            }
            return thrown.orElse(null) instanceof SkillException && other.thrown.orElse(null) instanceof SkillException;
        }

        private static boolean violation(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof SandboxViolation) {
                    return true;
                }
            }
            return false;
        }
    }

    static Outcome run(Skill skill, SkillContext context, JsonNode input) {
        try {
            SkillResult r = skill.invoke(context, input);
            return r == null ? new Outcome(Optional.empty(), Optional.empty()) : new Outcome(Optional.of(r), Optional.empty());
        } catch (RuntimeException | SkillException | LinkageError e) {
            return new Outcome(Optional.empty(), Optional.of(e));
        }
    }

    @Override
    public SkillResult invoke(SkillContext context, JsonNode input) throws SkillException {
        JsonNode copy = shadow.isPresent() ? input.deepCopy() : input;
        Outcome outcome = run(serving, context, input);
        if (shadow.isPresent()) {
            Optional<PluginLease<Skill>> candidate = shadow.get().get();
            if (candidate.isPresent()) {
                PluginLease<Skill> lease = candidate.get();
                Thread.ofVirtual().name("shadow-" + lease.name() + "-" + sessionId).start(() -> {
                    try (lease) {
                        Outcome copyOutcome = run(lease.service(), context, copy);
                        report(outcome, Optional.of(new CallObservation.ShadowResult(copyOutcome.failed(), copyOutcome.sameAs(outcome))));
                    }
                });
            } else {
                report(outcome, Optional.empty());
            }
        } else {
            report(outcome, Optional.empty());
        }
        return rethrowOrReturn(outcome);
    }

    private void report(Outcome outcome, Optional<CallObservation.ShadowResult> shadowResult) {
        CallObservation o = new CallObservation(sessionId, servedBy, outcome.failed(), outcome.evidence(), outcome.risk(), shadowResult);
        observer.execute(() -> routing.observe(o));
    }

    private static SkillResult rethrowOrReturn(Outcome outcome) throws SkillException {
        if (outcome.result().isPresent()) {
            return outcome.result().get();
        }
        if (outcome.thrown().isEmpty()) {
            return null; // the caller reports a missing result as it always does
        }
        Throwable t = outcome.thrown().get();
        if (t instanceof SkillException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        throw (LinkageError) t;
    }

    @Override
    public String name() {
        return serving.name();
    }

    @Override
    public String description() {
        return serving.description();
    }

    @Override
    public JsonNode inputSchema() {
        return serving.inputSchema();
    }

    @Override
    public List<SkillExample> examples() {
        return serving.examples();
    }

    @Override
    public List<RoutePattern> routePatterns() {
        return serving.routePatterns();
    }
}
