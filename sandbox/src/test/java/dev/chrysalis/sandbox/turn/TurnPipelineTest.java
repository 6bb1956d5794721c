package dev.chrysalis.sandbox.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.hook.Hook;
import dev.chrysalis.spi.hook.HookContext;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import dev.chrysalis.spi.router.RouteDecision;
import dev.chrysalis.spi.router.Router;
import dev.chrysalis.spi.skill.Skill;
import dev.chrysalis.spi.skill.SkillContext;
import dev.chrysalis.spi.skill.SkillDescriptor;
import dev.chrysalis.spi.skill.SkillLimits;
import dev.chrysalis.spi.skill.SkillResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The turn pipeline on plain objects: hook order, the routing record, seeds and clock, failures attributed. */
class TurnPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-15T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path temp;

    /** Appends its name to the user message before the turn and to the answer after it. */
    record Tagging(String name, int priority) implements Hook {
        @Override
        public TurnData beforeTurn(TurnData turn, HookContext context) {
            return turn.withUserMessage(turn.userMessage() + " <" + name);
        }

        @Override
        public TurnData afterTurn(TurnData turn, HookContext context) {
            return turn.withAnswer(turn.answer() + " >" + name);
        }
    }

    /** Echoes the message it was routed, a random roll and the time. */
    static final class Echo implements Skill {
        public String name() {
            return "echo";
        }

        public String description() {
            return "Echoes.";
        }

        public JsonNode inputSchema() {
            return JSON.createObjectNode().put("type", "object");
        }

        public SkillResult invoke(SkillContext context, JsonNode input) {
            String text = input.path("text").asText() + " " + context.random().nextInt(1000) + " " + context.clock().instant();
            return new SkillResult(JSON.createObjectNode().put("text", text), text);
        }
    }

    record Fixed(Router installedRouter, List<Hook> installedHooks) implements TurnPlugins {
        public List<SkillDescriptor> catalogue() {
            return List.of(SkillDescriptor.of(new Echo()));
        }

        public Optional<PluginUse<Skill>> skill(String name, String sessionId) {
            return name.equals("echo") ? Optional.of(use(new Echo(), name)) : Optional.empty();
        }

        public Optional<PluginUse<Router>> router() {
            return Optional.of(use(installedRouter, installedRouter.name()));
        }

        public List<PluginUse<Hook>> hooks() {
            return installedHooks.stream().map(h -> use(h, h.name())).toList();
        }

        private static <T> PluginUse<T> use(T service, String name) {
            return new PluginUse<>(service, name, "test." + name, "1.0.0", "digest-" + name, () -> { });
        }
    }

    private TurnOutcome turn(TurnPlugins plugins, String message) {
        return turn(plugins, message, SkillLimits.DEFAULT);
    }

    private TurnOutcome turn(TurnPlugins plugins, String message, SkillLimits limits) {
        TurnEnvironment environment = new TurnEnvironment(temp.resolve("ws"), temp.resolve("hooks"), CLOCK, limits);
        return new TurnPipeline(plugins, new DefaultBrain(), environment)
                .run("s-1", 1, message, List.of(), partial -> { }, () -> 42);
    }

    @Test
    void hooksRunByPriorityRouterDecidesAndTheSkillGetsTheSeedAndClock() {
        Router echoAll = new Router() {
            public String name() {
                return "echo-all";
            }

            public RouteDecision route(String message, List<SkillDescriptor> catalogue) {
                return new RouteDecision.Routed("echo", JSON.createObjectNode().put("text", message), 1, "all");
            }
        };
        List<Hook> unordered = new ArrayList<>(List.of(new Tagging("late", 100), new Tagging("early", 10), new Tagging("b-tie", 50),
                new Tagging("a-tie", 50)));

        TurnOutcome outcome = turn(new Fixed(echoAll, unordered), "hi");

        String routed = "hi <early <a-tie <b-tie <late";
        var decision = assertInstanceOf(RouteDecision.Routed.class, outcome.routes().getFirst());
        assertEquals(routed, decision.arguments().path("text").asText());
        int roll = new SplittableRandom(42).nextInt(1000);
        assertEquals(routed + " " + roll + " 2026-03-15T10:00:00Z >early >a-tie >b-tie >late", outcome.turn().answer());
        assertEquals(List.of(), outcome.failures());
        assertEquals(CLOCK.instant(), outcome.started());
        assertEquals(List.of("early", "a-tie", "b-tie", "late", "echo-all", "echo"),
                outcome.servedBy().stream().map(ServedBy::name).toList());
    }

    @Test
    void aThrowingRouterIsAnUnroutedTurnWithTheFailureAttributedToTheRouter() {
        Router broken = new Router() {
            public String name() {
                return "broken";
            }

            public RouteDecision route(String message, List<SkillDescriptor> catalogue) {
                throw new IllegalStateException("index corrupt");
            }
        };

        TurnOutcome outcome = turn(new Fixed(broken, List.of()), "hi");

        assertInstanceOf(RouteDecision.Unrouted.class, outcome.routes().getFirst());
        TurnFailure failure = outcome.failures().getFirst();
        assertEquals(FailureKind.ROUTER_EXCEPTION, failure.kind());
        assertEquals("broken", failure.source());
        assertTrue(outcome.turn().answer().contains("index corrupt"), outcome.turn()::answer);
    }

    /** Routes every message to echo with the message as its text. */
    private static final Router ECHO_ALL = new Router() {
        public String name() {
            return "echo-all";
        }

        public RouteDecision route(String message, List<SkillDescriptor> catalogue) {
            return new RouteDecision.Routed("echo", JSON.createObjectNode().put("text", message), 1, "all");
        }
    };

    @Test
    void anOutputOverTheCharacterLimitIsASkillErrorAndOneAtTheLimitIsAnswered() {
        String message = "caf\u00e9 \"quoted\" \\ tab\t line\n \u0001 \ud83d\ude00"; // escapes count as written
        TurnOutcome free = turn(new Fixed(ECHO_ALL, List.of()), message);
        assertEquals(List.of(), free.failures());
        ToolCall call = free.turn().toolCalls().getFirst();
        int size = call.output().orElseThrow().toString().length() + call.summary().orElseThrow().length();

        Duration timeout = SkillLimits.DEFAULT.timeout();
        TurnOutcome atLimit = turn(new Fixed(ECHO_ALL, List.of()), message, new SkillLimits(timeout, size, 1 << 20));
        assertEquals(List.of(), atLimit.failures());

        TurnOutcome over = turn(new Fixed(ECHO_ALL, List.of()), message, new SkillLimits(timeout, size - 1, 1 << 20));
        TurnFailure failure = over.failures().getFirst();
        assertEquals(FailureKind.SKILL_ERROR, failure.kind());
        assertTrue(failure.message().contains("produced " + size + " characters of output; the limit is " + (size - 1)),
                failure::message);
    }

    @Test
    void jsonCharsCountsWhatToStringWrites() {
        var node = JSON.createObjectNode();
        node.put("text", "caf\u00e9 \"q\" \\ \t\n\u0001\u2028 \ud83d\ude00 </script>");
        node.put("big", new java.math.BigDecimal("12345678901234567890.000000000000000001"));
        node.put("small", 1.0e-300);
        node.put("neg", -0.0);
        node.putArray("list").add(1).add(true).addNull().addObject().put("k", "v");
        node.putObject("empty");
        assertEquals(node.toString().length(), TurnPipeline.jsonChars(node), node::toString);
        assertEquals(4, TurnPipeline.jsonChars(com.fasterxml.jackson.databind.node.NullNode.getInstance()));
    }
}
