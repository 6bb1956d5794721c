package dev.chrysalis.host.agent;

import dev.chrysalis.sandbox.turn.TurnFailure;
import dev.chrysalis.sandbox.turn.ServedBy;
import dev.chrysalis.sandbox.turn.FailureKind;
import dev.chrysalis.sandbox.turn.DefaultBrain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.chrysalis.host.Host;
import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.bench.BenchBundles;
import dev.chrysalis.host.testplugins.TestPlugins;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.skill.SkillLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Turns through the whole host (Felix, test router and hooks, skills) with the default brain. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentTurnTest {

    @TempDir
    static Path temp;

    private Host host;
    private final List<CompletedTurn> recorded = new CopyOnWriteArrayList<>();
    private final Instant now = Instant.parse("2026-11-23T01:00:00Z");

    @BeforeAll
    void start() {
        Path plugins = temp.resolve("plugins");
        Path bundles = TestPlugins.bundlesDir(temp.resolve("bundles"), BenchBundles.write(plugins, "1.0.0"),
                TestPlugins.harness(plugins), TestPlugins.tools(plugins));
        host = Host.start(HostConfig.of(temp.resolve("data"), bundles)
                .withClock(Clock.fixed(now, ZoneOffset.UTC))
                .withRandom(new SplittableRandom(11))
                .withLimits(new SkillLimits(Duration.ofMillis(300), 64 * 1024, 1 << 20))
                .withRecorder(recorded::add));
    }

    @AfterAll
    void stop() {
        host.close();
    }

    @BeforeEach
    void clear() {
        recorded.clear();
    }

    @Test
    void aRoutedMessageIsAnsweredByTheSkillAndRecordedWithItsToolCallAndBundleDigests() {
        AgentSession session = host.agent().newSession();
        CompletedTurn first = session.ask("echo 5");
        CompletedTurn second = session.ask("echo 6");

        assertEquals("n=5 from version 1.0.0", first.answer());
        assertEquals(List.of(first, second), recorded);
        assertEquals(1, first.turnIndex());
        assertEquals(2, second.turnIndex());
        assertEquals(session.id(), first.sessionId());
        assertEquals(now, first.started());
        assertEquals("default", first.brain());
        assertTrue(first.failures().isEmpty(), first.failures().toString());
        ToolCall call = first.turn().toolCalls().getFirst();
        assertEquals("bench-echo", call.skill());
        assertEquals(JsonNodeFactory.instance.objectNode().put("n", 5L), call.input());
        assertEquals("1.0.0", call.output().orElseThrow().get("version").asText());
        assertEquals("echo pattern", first.turn().attributes().get("route.reason"));
        Map<String, String> live = host.runtime().liveDigests();
        assertEquals(Map.of(BenchBundles.SYMBOLIC_NAME, live.get(BenchBundles.SYMBOLIC_NAME),
                "test.harness", live.get("test.harness")), first.bundleDigests());
        assertEquals(List.of(ServedBy.Role.HOOK, ServedBy.Role.HOOK, ServedBy.Role.ROUTER, ServedBy.Role.SKILL),
                first.servedBy().stream().map(ServedBy::role).toList());
    }

    @Test
    void hooksRunInAscendingPriorityBeforeAndAfterTheTurn() {
        CompletedTurn turn = host.agent().newSession().ask("echo 1");
        assertEquals("zeta,alpha,", turn.turn().attributes().get("order.before"));
        assertEquals("zeta,alpha,", turn.turn().attributes().get("order.after"));
        assertEquals(List.of("zeta", "alpha"), turn.servedBy().stream()
                .filter(s -> s.role() == ServedBy.Role.HOOK).map(ServedBy::name).toList());
    }

    @Test
    void aSkillThatExceedsItsTimeoutIsAbandonedAndRecordedAsATimeoutFailure() {
        long t0 = System.nanoTime();
        CompletedTurn turn = host.agent().newSession().ask("sleep 10000");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "abandoned after the 300 ms limit, took " + took);
        assertEquals(List.of(FailureKind.SKILL_TIMEOUT), turn.failures().stream().map(TurnFailure::kind).toList());
        assertTrue(turn.failures().getFirst().message().contains("did not answer within 300 ms"), turn.failures().toString());
        assertEquals(turn, recorded.getFirst());
        ToolCall call = turn.turn().toolCalls().getFirst();
        assertTrue(call.error().orElseThrow().contains("300 ms"));
        assertTrue(call.output().isEmpty());
        assertTrue(turn.answer().startsWith("The sleepy skill could not answer that"), turn.answer());
    }

    @Test
    void aSkillThatThrowsBecomesAFailureWithItsStackTraceAndTheSessionGoesOn() {
        AgentSession session = host.agent().newSession();
        CompletedTurn crashed = session.ask("crash");
        TurnFailure failure = crashed.failures().getFirst();
        assertEquals(FailureKind.SKILL_EXCEPTION, failure.kind());
        assertEquals("crash", failure.source());
        assertTrue(failure.stackTrace().orElseThrow().contains("CrashingSkill.invoke"), failure.stackTrace().orElseThrow());
        assertTrue(failure.message().contains("crash skill exploded"), failure.message());

        CompletedTurn next = session.ask("echo 2");
        assertTrue(next.failures().isEmpty());
        assertEquals(2, next.turnIndex());
    }

    @Test
    void anUnroutedMessageGetsAnHonestAnswerListingTheSkills() {
        CompletedTurn turn = host.agent().newSession().ask("what is the meaning of life");
        assertTrue(turn.failures().isEmpty());
        assertTrue(turn.turn().toolCalls().isEmpty());
        assertTrue(turn.answer().contains("no test pattern matches 'what'"), turn.answer());
        assertTrue(turn.answer().contains("- bench-echo: Echoes a number"), turn.answer());
        assertTrue(turn.answer().contains("- sleepy:"), turn.answer());
    }

    @Test
    void aRouteToASkillThatIsNotInstalledIsAFailureNamingTheInstalledOnes() {
        CompletedTurn turn = host.agent().newSession().ask("ghost");
        assertEquals(FailureKind.SKILL_NOT_FOUND, turn.failures().getFirst().kind());
        assertTrue(turn.failures().getFirst().message().contains("no skill named 'ghost'"));
        assertTrue(turn.failures().getFirst().message().contains("bench-echo"));
    }

    @Test
    void aRecorderThatFailsIsReportedWithTheAnsweredTurn() {
        Agent failing = new Agent(host.runtime(), new DefaultBrain(), turn -> {
            throw new IllegalStateException("disk full");
        }, Clock.systemUTC(), new SplittableRandom(5), AgentConfig.under(temp.resolve("other")));
        TurnNotRecordedException e = assertThrows(TurnNotRecordedException.class, () -> failing.newSession().ask("echo 3"));
        assertEquals("n=3 from version 1.0.0", e.turn().answer());
        assertTrue(e.getMessage().contains("disk full"));
    }

    @Test
    void aBlankMessageIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> host.agent().newSession().ask("  "));
        assertTrue(e.getMessage().contains("the message is empty"));
    }

    @Test
    void theBrainSeesTheLastExchangesOfItsSessionUpToTheHistoryLimit() {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        dev.chrysalis.spi.brain.Brain counting = new dev.chrysalis.spi.brain.Brain() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public dev.chrysalis.spi.brain.TurnAnswer respond(dev.chrysalis.spi.brain.TurnRequest request,
                                                             dev.chrysalis.spi.brain.BrainContext context) {
                seen.add(request.history().size());
                return new dev.chrysalis.spi.brain.TurnAnswer("answer to " + request.message());
            }
        };
        Agent agent = new Agent(host.runtime(), counting, TurnRecorder.none(), Clock.systemUTC(), new SplittableRandom(9),
                AgentConfig.under(temp.resolve("history")));
        AgentSession session = agent.newSession();
        for (int i = 0; i < AgentSession.HISTORY_LIMIT + 8; i++) {
            session.ask("message " + i);
        }
        assertEquals(0, seen.getFirst());
        assertEquals(5, seen.get(5));
        assertEquals(AgentSession.HISTORY_LIMIT, seen.getLast());
        assertEquals(AgentSession.HISTORY_LIMIT, seen.stream().mapToInt(Integer::intValue).max().orElseThrow());
    }
}
