package dev.chrysalis.harness.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrysalis.spi.hook.ToolCall;
import dev.chrysalis.spi.hook.TurnData;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactSecretsHookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path workspace;
    private final RecordingLogger log = new RecordingLogger();
    private final RedactSecretsHook hook = new RedactSecretsHook();

    private TestHookContext context() {
        return new TestHookContext(workspace, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), log);
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private TurnData turnFullOfSecrets() throws Exception {
        String aws = FakeSecrets.awsAccessKey();
        String gh = FakeSecrets.githubClassic();
        JsonNode input = json("""
                {"query":"deploy with %s","config":{"db":{"password":"hunter2","host":"db.local"},
                 "headers":["Authorization: Bearer %s","Accept: */*"],"api_key":"abcdef123456","retries":3}}"""
                .formatted(aws, FakeSecrets.bearer()));
        JsonNode output = json("""
                {"files":[{"name":".env","content":"GITHUB_TOKEN=%s\\nDEBUG=true"}],"count":1}""".formatted(gh));
        ToolCall ok = new ToolCall("files", input, Optional.of(output), Optional.of("read .env: GITHUB_TOKEN=" + gh),
                Optional.empty(), Duration.ofMillis(12));
        ToolCall failed = new ToolCall("json", json("{\"document\":\"{\\\"token\\\":\\\"" + FakeSecrets.slack() + "\\\"}\"}"),
                Optional.empty(), Optional.empty(), Optional.of("bad key " + FakeSecrets.openAi()), Duration.ofMillis(3));
        return new TurnData("s-1", 4, "my aws key is " + aws + " and card 4111 1111 1111 1111", List.of(ok, failed),
                "Your token " + gh + " was found.", Map.of("route.reason", "matched key " + aws));
    }

    @Test
    void redactsEveryPartOfTheTurnIncludingNestedJson() throws Exception {
        TurnData before = turnFullOfSecrets();
        TurnData after = hook.afterTurn(before, context());
        String all = JSON.writeValueAsString(List.of(after.userMessage(), after.answer(), after.attributes().toString(),
                after.toolCalls().stream().map(c -> c.input().toString() + c.output() + c.summary() + c.error()).toList()));
        for (String secret : List.of(FakeSecrets.awsAccessKey(), FakeSecrets.githubClassic(), FakeSecrets.bearer(), "hunter2",
                "abcdef123456", FakeSecrets.slack(), FakeSecrets.openAi(), "4111 1111 1111 1111")) {
            assertFalse(all.contains(secret), () -> "secret " + secret + " survived in " + all);
        }
        assertEquals("my aws key is [REDACTED:aws-access-key] and card [REDACTED:credit-card]", after.userMessage());
        ToolCall call = after.toolCalls().getFirst();
        assertEquals("[REDACTED:password]", call.input().at("/config/db/password").asText());
        assertEquals("db.local", call.input().at("/config/db/host").asText(), "ordinary values stay");
        assertEquals(3, call.input().at("/config/retries").asInt(), "numbers stay numbers");
        assertEquals("[REDACTED:api-key]", call.input().at("/config/api_key").asText());
        assertEquals("Authorization: Bearer [REDACTED:bearer-token]", call.input().at("/config/headers/0").asText());
        assertEquals("GITHUB_TOKEN=[REDACTED:github-token]\nDEBUG=true", call.output().orElseThrow().at("/files/0/content").asText());
        assertEquals("read .env: GITHUB_TOKEN=[REDACTED:github-token]", call.summary().orElseThrow());
        assertEquals("{\"token\":\"[REDACTED:slack-token]\"}", after.toolCalls().get(1).input().get("document").asText());
        assertEquals("bad key [REDACTED:api-key]", after.toolCalls().get(1).error().orElseThrow());
        assertEquals("Your token [REDACTED:github-token] was found.", after.answer());
        assertEquals("matched key [REDACTED:aws-access-key]", after.attributes().get("route.reason"));
        assertEquals("api-key=2,aws-access-key=3,bearer-token=1,credit-card=1,github-token=3,password=1,slack-token=1",
                after.attributes().get("redactions"));
        assertEquals(Duration.ofMillis(12), call.duration());
        assertEquals("s-1", after.sessionId());
        assertEquals(4, after.turnIndex());
    }

    @Test
    void aSecondPassChangesNothing() throws Exception {
        TurnData once = hook.afterTurn(turnFullOfSecrets(), context());
        TurnData twice = hook.afterTurn(once, context());
        assertEquals(once, twice);
    }

    @Test
    void aTurnWithoutSecretsComesBackAsIsWithoutAttribute() throws Exception {
        TurnData clean = new TurnData("s", 0, "what is 2+3*4? request 550e8400-e29b-41d4-a716-446655440000",
                List.of(new ToolCall("calculator", json("{\"expression\":\"2+3*4\"}"), Optional.of(json("{\"value\":\"14\"}")),
                        Optional.of("2+3*4 = 14"), Optional.empty(), Duration.ZERO)),
                "14", Map.of("route.reason", "matched route pattern #1 of calculator"));
        assertSame(clean, hook.afterTurn(clean, context()));
        assertTrue(log.lines.isEmpty());
    }

    @Test
    void beforeTurnPassesTheMessageThroughAndLogsNothing() {
        TurnData incoming = TurnData.incoming("s", 0, "password=hunter2 please count the characters");
        assertSame(incoming, hook.beforeTurn(incoming, context()));
        assertTrue(log.lines.isEmpty(), log.lines.toString());
    }

    @Test
    void logsOnlyCountsNeverTheSecrets() throws Exception {
        hook.afterTurn(turnFullOfSecrets(), context());
        assertEquals(1, log.lines.size());
        assertTrue(log.lines.getFirst().contains("redacted 12 secret(s)"), log.lines.toString());
        assertFalse(log.lines.getFirst().contains(FakeSecrets.awsAccessKey()));
    }

    @Test
    void countsAddToAnEarlierRedactionAttribute() {
        TurnData t = TurnData.incoming("s", 1, "pwd=abc123").withAttribute("redactions", "password=2,jwt=1");
        assertEquals("jwt=1,password=3", hook.afterTurn(t, context()).attributes().get("redactions"));
    }

    @Test
    void runsEarlyUnderAStableName() {
        assertEquals("redact-secrets", hook.name());
        assertEquals(10, hook.priority());
    }
}
