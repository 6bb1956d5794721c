package dev.chrysalis.sandbox.turn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.chrysalis.sandbox.guard.Guard;
import dev.chrysalis.spi.brain.Brain;
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
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillException;
import dev.chrysalis.spi.skill.SkillLimits;
import dev.chrysalis.spi.skill.SkillResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * How one turn runs, the same in the host's agent and in a trial worker's replay: the beforeTurn hooks
 * (ascending priority, ties by name, each seeing the previous one's result), the {@link Brain} (the default
 * brain asks the router and invokes the chosen skill on its own thread under the limits), then the
 * afterTurn hooks; what the last hook returns is what gets stored. Nothing a plugin throws escapes a turn:
 * it becomes a {@link TurnFailure} attributed to the plugin.
 */
public final class TurnPipeline {
    private static final System.Logger LOG = System.getLogger(TurnPipeline.class.getName());
    /** Ends a skill call's future when no skill of that name is installed; never thrown to a caller. */
    private static final RuntimeException NOT_INSTALLED = new RuntimeException("no such skill", null, false, false) {
    };
    /** The order hooks run in. */
    static final Comparator<Hook> RUN_ORDER = Comparator.comparingInt(Hook::priority).thenComparing(Hook::name);

    private final TurnPlugins plugins;
    private final Brain brain;
    private final TurnEnvironment environment;

    public TurnPipeline(TurnPlugins plugins, Brain brain, TurnEnvironment environment) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.brain = Objects.requireNonNull(brain, "brain");
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * Runs one turn.
     *
     * @param history  earlier exchanges of the session, oldest first
     * @param partials receives parts of the answer as a streaming brain produces them
     * @param seeds    one seed per skill call, for the skill's random source
     */
    public TurnOutcome run(String sessionId, int index, String message, List<TurnRequest.Exchange> history,
                           Consumer<String> partials, LongSupplier seeds) {
        return new Run(sessionId, index, partials, seeds).run(message, history);
    }

    /** One turn in progress: the brain's context, the tool calls, routes and failures collected so far. */
    private final class Run implements BrainContext {
        private final String sessionId;
        private final int index;
        private final Consumer<String> partials;
        private final LongSupplier seeds;
        private final List<ToolCall> calls = new ArrayList<>();
        private final List<RouteDecision> routes = new ArrayList<>();
        private final List<ServedBy> servedBy = new ArrayList<>();
        private final List<TurnFailure> failures = new ArrayList<>();
        private Optional<PluginUse<Router>> routerUse = Optional.empty();
        private Router router;

        Run(String sessionId, int index, Consumer<String> partials, LongSupplier seeds) {
            this.sessionId = sessionId;
            this.index = index;
            this.partials = partials;
            this.seeds = seeds;
        }

        TurnOutcome run(String message, List<TurnRequest.Exchange> history) {
            Instant started = environment.clock().instant();
            TurnData data = TurnData.incoming(sessionId, index, message);
            data = runHooks(data, "beforeTurn", Hook::beforeTurn);
            TurnAnswer answer;
            try {
                answer = brain.respond(new TurnRequest(sessionId, data.userMessage(), history), this);
                if (answer == null) {
                    failures.add(TurnFailure.of(FailureKind.BRAIN_EXCEPTION, brain.name(), "the brain returned no answer"));
                    answer = new TurnAnswer("Sorry, I could not produce an answer (the brain returned none).");
                }
            } catch (RuntimeException | LinkageError e) {
                failures.add(TurnFailure.thrown(FailureKind.BRAIN_EXCEPTION, brain.name(),
                        "brain '" + brain.name() + "' threw " + e, e));
                answer = new TurnAnswer("Sorry, something went wrong while deciding this turn: " + e.getMessage());
            } finally {
                routerUse.ifPresent(PluginUse::close);
            }
            data = data.withToolCalls(calls).withAnswer(answer.text());
            for (Map.Entry<String, String> note : answer.notes().entrySet()) {
                data = data.withAttribute(note.getKey(), note.getValue());
            }
            data = runHooks(data, "afterTurn", Hook::afterTurn);
            Instant finished = environment.clock().instant();
            return new TurnOutcome(started, finished, brain.name(), data, routes, servedBy, failures);
        }

        private TurnData runHooks(TurnData data, String phase, HookPhase call) {
            List<PluginUse<Hook>> hooks = new ArrayList<>(plugins.hooks());
            try {
                hooks.sort(Comparator.comparing(PluginUse::service, RUN_ORDER));
                for (PluginUse<Hook> use : hooks) {
                    served(use.servedBy(ServedBy.Role.HOOK));
                    data = runHook(use, data, phase, call);
                }
            } catch (RuntimeException | LinkageError e) {
                // a hook's priority() or name() threw while ordering: no hook order can be trusted for this phase
                failures.add(TurnFailure.thrown(FailureKind.HOOK_EXCEPTION, "hooks",
                        "the hooks could not be ordered for " + phase + ": " + e, e));
            } finally {
                hooks.forEach(PluginUse::close);
            }
            return data;
        }

        private TurnData runHook(PluginUse<Hook> use, TurnData data, String phase, HookPhase call) {
            String name = use.name();
            try {
                TurnData changed = call.apply(use.service(), data, hookContext(name));
                if (changed == null) {
                    failures.add(TurnFailure.of(FailureKind.HOOK_EXCEPTION, name,
                            "hook '" + name + "' returned no turn from " + phase + "; its change was ignored"));
                    return data;
                }
                if (!changed.sessionId().equals(sessionId) || changed.turnIndex() != index) {
                    failures.add(TurnFailure.of(FailureKind.HOOK_EXCEPTION, name, "hook '" + name
                            + "' changed the session id or turn index in " + phase + "; its change was ignored"));
                    return data;
                }
                return changed;
            } catch (RuntimeException | LinkageError e) {
                failures.add(TurnFailure.thrown(FailureKind.HOOK_EXCEPTION, name,
                        "hook '" + name + "' threw in " + phase + ": " + e, e));
                return data;
            }
        }

        private void served(ServedBy s) {
            if (!servedBy.contains(s)) {
                servedBy.add(s);
            }
        }

        private HookContext hookContext(String hookName) {
            Path dir = environment.hookWorkspace().resolve(safe(hookName));
            Clock clock = environment.clock();
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

        // --------------------------------------------------------------------------------- BrainContext

        @Override
        public List<SkillDescriptor> catalogue() {
            return plugins.catalogue();
        }

        @Override
        public Router router() {
            if (router == null) {
                routerUse = plugins.router();
                routerUse.ifPresent(use -> served(use.servedBy(ServedBy.Role.ROUTER)));
                router = routerUse.<Router>map(use -> new GuardedRouter(use.service())).orElseGet(NoRouter::new);
            }
            return router;
        }

        /** Attributes a router's exception to the router, turns it into an honest Unrouted decision, records each decision. */
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
                RouteDecision decision = decide(text, catalogue);
                routes.add(decision);
                return decision;
            }

            private RouteDecision decide(String text, List<SkillDescriptor> catalogue) {
                try {
                    RouteDecision decision = delegate.route(text, catalogue);
                    if (decision == null) {
                        failures.add(TurnFailure.of(FailureKind.ROUTER_EXCEPTION, delegate.name(),
                                "router '" + delegate.name() + "' returned no decision"));
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

        /**
         * Calls a skill on a thread of its own, under the limits. The skill is borrowed on that thread, just before the
         * call, and given back as it returns: the borrow spans the call alone, not the wait for a carrier to run the
         * thread, so a swap waiting for calls in flight on the old version waits for running calls only.
         */
        @Override
        public ToolOutcome invokeTool(String skill, JsonNode arguments) {
            JsonNode input = arguments == null ? NullNode.getInstance() : arguments;
            long t0 = System.nanoTime();
            SkillLimits limits = environment.limits();
            SkillContext context = new CallContext(environment.skillWorkspace(), environment.clock(),
                    new SplittableRandom(seeds.getAsLong()), limits, System.getLogger("dev.chrysalis.skill." + skill));
            AtomicReference<PluginUse<Skill>> lent = new AtomicReference<>();
            AtomicBoolean abandoned = new AtomicBoolean();
            CompletableFuture<SkillResult> result = new CompletableFuture<>();
            Thread caller = Guard.startForHost(Thread.ofVirtual().name("skill-" + skill + "-" + sessionId + "-" + index), () -> {
                Optional<PluginUse<Skill>> use;
                try {
                    use = plugins.skill(skill, sessionId);
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                    return;
                }
                if (use.isEmpty()) {
                    result.completeExceptionally(NOT_INSTALLED);
                    return;
                }
                lent.set(use.get());
                SkillResult answer = null;
                Throwable thrown = null;
                try {
                    if (abandoned.get()) {
                        throw new InterruptedException("the call was abandoned before it started");
                    }
                    answer = use.get().service().invoke(context, input);
                } catch (Throwable t) {
                    thrown = t;
                } finally {
                    use.get().close(); // before waking the turn: the lease spans the call alone
                }
                if (thrown != null) {
                    result.completeExceptionally(thrown);
                } else {
                    result.complete(answer);
                }
            });
            try {
                SkillResult r = result.get(limits.timeout().toNanos(), TimeUnit.NANOSECONDS);
                servedBy(lent);
                if (r == null) {
                    return failed(skill, input, t0, FailureKind.SKILL_EXCEPTION, "skill '" + skill + "' returned no result");
                }
                long size = jsonChars(r.output()) + r.summary().length();
                if (size > limits.maxOutputChars()) {
                    return failed(skill, input, t0, FailureKind.SKILL_ERROR, "skill '" + skill + "' produced " + size
                            + " characters of output; the limit is " + limits.maxOutputChars());
                }
                return record(skill, input, t0, Optional.of(r), "");
            } catch (TimeoutException e) {
                caller.interrupt();
                // The call is abandoned: stop holding its bundle generation, so a swap (e.g. one fixing this very
                // skill) does not wait for a call that may never end. If it goes on, it runs unobserved.
                abandoned.set(true);
                servedBy(lent);
                Optional.ofNullable(lent.get()).ifPresent(PluginUse::close);
                return failed(skill, input, t0, FailureKind.SKILL_TIMEOUT, "skill '" + skill + "' did not answer within "
                        + limits.timeout().toMillis() + " ms; the call was abandoned");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause == NOT_INSTALLED) {
                    String installed = String.join(", ", catalogue().stream().map(SkillDescriptor::name).toList());
                    String error = "no skill named '" + skill + "' is installed (installed: " + (installed.isEmpty() ? "none" : installed) + ")";
                    failures.add(TurnFailure.of(FailureKind.SKILL_NOT_FOUND, skill, error));
                    return record(skill, input, t0, Optional.empty(), error);
                }
                servedBy(lent);
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
                abandoned.set(true);
                caller.interrupt();
                servedBy(lent);
                return failed(skill, input, t0, FailureKind.SKILL_TIMEOUT, "the turn was interrupted while skill '" + skill + "' ran");
            }
        }

        /** Records which jar served the skill call, once it has borrowed one. */
        private void servedBy(AtomicReference<PluginUse<Skill>> lent) {
            PluginUse<Skill> use = lent.get();
            if (use != null) {
                served(use.servedBy(ServedBy.Role.SKILL));
            }
        }

        private ToolOutcome failed(String skill, JsonNode input, long t0, FailureKind kind, String error) {
            failures.add(TurnFailure.of(kind, skill, error));
            return record(skill, input, t0, Optional.empty(), error);
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
            return environment.clock();
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

    @FunctionalInterface
    private interface HookPhase {
        TurnData apply(Hook hook, TurnData turn, HookContext context);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private record CallContext(Path workspace, Clock clock, RandomGenerator random, SkillLimits limits,
                               System.Logger logger) implements SkillContext {
    }

    /** Writes JSON as {@link JsonNode#toString()} does (compact, default escaping). */
    private static final ObjectWriter COMPACT_JSON = new ObjectMapper().writer();

    /**
     * The length of {@code node.toString()}, counted as the text is written instead of building it: the output
     * limit is checked on every tool call, and the string was 9% of all the host's allocation under load.
     */
    static long jsonChars(JsonNode node) {
        CharCounter counter = new CharCounter();
        try {
            COMPACT_JSON.writeValue(counter, node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure a skill's JSON output", e);
        }
        return counter.chars;
    }

    /** A writer that keeps only the number of characters written to it. */
    private static final class CharCounter extends Writer {
        long chars;

        @Override
        public void write(char[] buffer, int offset, int length) {
            chars += length;
        }

        @Override
        public void write(int c) {
            chars++;
        }

        @Override
        public void write(String text, int offset, int length) {
            chars += length;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
