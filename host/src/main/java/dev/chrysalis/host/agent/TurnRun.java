package dev.chrysalis.host.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.chrysalis.host.runtime.PluginLease;
import dev.chrysalis.spi.brain.BrainContext;
import dev.chrysalis.spi.brain.ToolOutcome;
import dev.chrysalis.spi.brain.TurnAnswer;
import dev.chrysalis.spi.brain.TurnRequest;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.SplittableRandom;

/** One turn in progress: the brain's context, the tool calls and failures collected so far. */
final class TurnRun implements BrainContext {
    private static final System.Logger LOG = System.getLogger(TurnRun.class.getName());

    private final Agent agent;
    private final String sessionId;
    private final int index;
    private final String message;
    private final List<TurnRequest.Exchange> history;
    private final Consumer<String> partials;
    private final java.util.function.LongSupplier seeds;
    private final List<ToolCall> calls = new ArrayList<>();
    private final List<ServedBy> servedBy = new ArrayList<>();
    private final List<TurnFailure> failures = new ArrayList<>();
    private Optional<PluginLease<Router>> routerLease = Optional.empty();
    private Router router;

    TurnRun(Agent agent, String sessionId, int index, String message, List<TurnRequest.Exchange> history,
            Consumer<String> partials, java.util.function.LongSupplier seeds) {
        this.agent = agent;
        this.sessionId = sessionId;
        this.index = index;
        this.message = message;
        this.history = history;
        this.partials = partials;
        this.seeds = seeds;
    }

    CompletedTurn run() {
        Instant started = agent.clock().instant();
        TurnData data = TurnData.incoming(sessionId, index, message);
        data = runHooks(data, "beforeTurn", Hook::beforeTurn);
        TurnAnswer answer;
        try {
            answer = agent.brain().respond(new TurnRequest(sessionId, data.userMessage(), history), this);
            if (answer == null) {
                failures.add(TurnFailure.of(FailureKind.BRAIN_EXCEPTION, agent.brain().name(), "the brain returned no answer"));
                answer = new TurnAnswer("Sorry, I could not produce an answer (the brain returned none).");
            }
        } catch (RuntimeException | LinkageError e) {
            failures.add(TurnFailure.thrown(FailureKind.BRAIN_EXCEPTION, agent.brain().name(),
                    "brain '" + agent.brain().name() + "' threw " + e, e));
            answer = new TurnAnswer("Sorry, something went wrong while deciding this turn: " + e.getMessage());
        } finally {
            routerLease.ifPresent(PluginLease::close);
        }
        data = data.withToolCalls(calls).withAnswer(answer.text());
        for (Map.Entry<String, String> note : answer.notes().entrySet()) {
            data = data.withAttribute(note.getKey(), note.getValue());
        }
        data = runHooks(data, "afterTurn", Hook::afterTurn);
        Instant finished = agent.clock().instant();
        return new CompletedTurn(sessionId, index, started, finished, agent.brain().name(), data, servedBy, failures);
    }

    @FunctionalInterface
    private interface HookPhase {
        TurnData apply(Hook hook, TurnData turn, HookContext context);
    }

    private TurnData runHooks(TurnData data, String phase, HookPhase call) {
        List<PluginLease<Hook>> hooks = agent.plugins().acquireHooks();
        try {
            for (PluginLease<Hook> lease : hooks) {
                served(ServedBy.Role.HOOK, lease);
                HookContext context = hookContext(lease.name());
                try {
                    TurnData changed = call.apply(lease.service(), data, context);
                    if (changed == null) {
                        failures.add(TurnFailure.of(FailureKind.HOOK_EXCEPTION, lease.name(),
                                "hook '" + lease.name() + "' returned no turn from " + phase + "; its change was ignored"));
                    } else if (!changed.sessionId().equals(sessionId) || changed.turnIndex() != index) {
                        failures.add(TurnFailure.of(FailureKind.HOOK_EXCEPTION, lease.name(), "hook '" + lease.name()
                                + "' changed the session id or turn index in " + phase + "; its change was ignored"));
                    } else {
                        data = changed;
                    }
                } catch (RuntimeException | LinkageError e) {
                    failures.add(TurnFailure.thrown(FailureKind.HOOK_EXCEPTION, lease.name(),
                            "hook '" + lease.name() + "' threw in " + phase + ": " + e, e));
                }
            }
        } finally {
            hooks.forEach(PluginLease::close);
        }
        return data;
    }

    private void served(ServedBy.Role role, PluginLease<?> lease) {
        ServedBy s = new ServedBy(role, lease.name(), lease.plugin(), lease.version(), lease.digest());
        if (!servedBy.contains(s)) {
            servedBy.add(s);
        }
    }

    private HookContext hookContext(String hookName) {
        Path dir = agent.config().hookWorkspace().resolve(safe(hookName));
        Clock clock = agent.clock();
        System.Logger logger = System.getLogger("dev.chrysalis.hook." + hookName);
        return new HookContext() {
            @Override
            public Path workspace() {
                try {
                    return Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create hook workspace " + dir, e);
                }
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public System.Logger logger() {
                return logger;
            }
        };
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // ------------------------------------------------------------------------------------- BrainContext

    @Override
    public List<SkillDescriptor> catalogue() {
        return agent.plugins().catalogue();
    }

    @Override
    public Router router() {
        if (router == null) {
            routerLease = agent.plugins().acquireRouter();
            routerLease.ifPresent(lease -> served(ServedBy.Role.ROUTER, lease));
            router = routerLease.<Router>map(lease -> new GuardedRouter(lease.service()))
                    .orElseGet(() -> new NoRouter());
        }
        return router;
    }

    /** Attributes a router's exception to the router and turns it into an honest Unrouted decision. */
    private final class GuardedRouter implements Router {
        private final Router delegate;

        GuardedRouter(Router delegate) {
            this.delegate = delegate;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public RouteDecision route(String text, List<SkillDescriptor> catalogue) {
            try {
                RouteDecision decision = delegate.route(text, catalogue);
                if (decision == null) {
                    failures.add(TurnFailure.of(FailureKind.ROUTER_EXCEPTION, delegate.name(), "router '" + delegate.name() + "' returned no decision"));
                    return new RouteDecision.Unrouted("the router returned no decision");
                }
                return decision;
            } catch (RuntimeException | LinkageError e) {
                failures.add(TurnFailure.thrown(FailureKind.ROUTER_EXCEPTION, delegate.name(),
                        "router '" + delegate.name() + "' threw " + e, e));
                return new RouteDecision.Unrouted("the router failed (" + e.getMessage() + ")");
            }
        }
    }

    private static final class NoRouter implements Router {
        @Override
        public String name() {
            return "none";
        }

        @Override
        public RouteDecision route(String text, List<SkillDescriptor> catalogue) {
            return new RouteDecision.Unrouted("no router plugin is installed");
        }
    }

    @Override
    public ToolOutcome invokeTool(String skill, JsonNode arguments) {
        JsonNode input = arguments == null ? NullNode.getInstance() : arguments;
        long t0 = System.nanoTime();
        Optional<PluginLease<Skill>> leased = agent.plugins().acquireSkill(skill);
        if (leased.isEmpty()) {
            String installed = String.join(", ", catalogue().stream().map(SkillDescriptor::name).toList());
            String error = "no skill named '" + skill + "' is installed (installed: " + (installed.isEmpty() ? "none" : installed) + ")";
            failures.add(TurnFailure.of(FailureKind.SKILL_NOT_FOUND, skill, error));
            return record(skill, input, t0, Optional.empty(), error);
        }
        PluginLease<Skill> lease = leased.get();
        served(ServedBy.Role.SKILL, lease);
        var limits = agent.config().limits();
        SkillContextImpl context = new SkillContextImpl(agent.config().workspace(), agent.clock(),
                new SplittableRandom(seeds.getAsLong()), limits, System.getLogger("dev.chrysalis.skill." + skill));
        CompletableFuture<SkillResult> result = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("skill-" + skill + "-" + sessionId + "-" + index).start(() -> {
            try {
                result.complete(lease.service().invoke(context, input));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            } finally {
                lease.close();
            }
        });
        try {
            SkillResult r = result.get(limits.timeout().toNanos(), TimeUnit.NANOSECONDS);
            if (r == null) {
                String error = "skill '" + skill + "' returned no result";
                failures.add(TurnFailure.of(FailureKind.SKILL_EXCEPTION, skill, error));
                return record(skill, input, t0, Optional.empty(), error);
            }
            int size = r.output().toString().length() + r.summary().length();
            if (size > limits.maxOutputChars()) {
                String error = "skill '" + skill + "' produced " + size + " characters of output; the limit is " + limits.maxOutputChars();
                failures.add(TurnFailure.of(FailureKind.SKILL_ERROR, skill, error));
                return record(skill, input, t0, Optional.empty(), error);
            }
            return record(skill, input, t0, Optional.of(r), "");
        } catch (TimeoutException e) {
            worker.interrupt();
            // The call is abandoned: stop holding its bundle generation, so a swap (e.g. one fixing this very skill)
            // does not wait for a call that may never end. If it goes on, it runs on a retiring bundle, unobserved.
            lease.close();
            String error = "skill '" + skill + "' did not answer within " + limits.timeout().toMillis() + " ms; the call was abandoned";
            failures.add(TurnFailure.of(FailureKind.SKILL_TIMEOUT, skill, error));
            return record(skill, input, t0, Optional.empty(), error);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SkillException expected) {
                String error = expected.getMessage() == null ? expected.getClass().getSimpleName() : expected.getMessage();
                failures.add(TurnFailure.thrown(FailureKind.SKILL_ERROR, skill, error, expected));
                return record(skill, input, t0, Optional.empty(), error);
            }
            String error = "skill '" + skill + "' failed: " + cause;
            failures.add(TurnFailure.thrown(FailureKind.SKILL_EXCEPTION, skill, error, cause));
            return record(skill, input, t0, Optional.empty(), error);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            String error = "the turn was interrupted while skill '" + skill + "' ran";
            failures.add(TurnFailure.of(FailureKind.SKILL_TIMEOUT, skill, error));
            return record(skill, input, t0, Optional.empty(), error);
        }
    }

    private ToolOutcome record(String skill, JsonNode input, long t0, Optional<SkillResult> result, String error) {
        Duration duration = Duration.ofNanos(System.nanoTime() - t0);
        if (result.isPresent()) {
            SkillResult r = result.get();
            calls.add(new ToolCall(skill, input, Optional.of(r.output()), Optional.of(r.summary()), Optional.empty(), duration));
            return new ToolOutcome.Success(skill, r.output(), r.summary());
        }
        calls.add(new ToolCall(skill, input, Optional.empty(), Optional.empty(), Optional.of(error), duration));
        return new ToolOutcome.Failure(skill, error);
    }

    @Override
    public void partial(String text) {
        try {
            partials.accept(text);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the partial-answer consumer failed: " + e);
        }
    }

    @Override
    public Clock clock() {
        return agent.clock();
    }

    private record SkillContextImpl(Path workspace, Clock clock, RandomGenerator random,
                                    dev.chrysalis.spi.skill.SkillLimits limits, System.Logger logger)
            implements dev.chrysalis.spi.skill.SkillContext {
    }
}
