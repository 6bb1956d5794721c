package dev.chrysalis.harness.redact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.spi.replay.ReplayCase;
import dev.chrysalis.spi.replay.ReplayCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The module's replay.jsonl: the regression cases evolution keeps when it rewrites this hook. */
class RedactionReplayTest {

    @Test
    void everyReplayCasePasses() throws Exception {
        Path file = Path.of("replay.jsonl");
        List<ReplayCase> cases = ReplayCases.parse(Files.readString(file), RedactSecretsHook.NAME, file.toString());
        assertTrue(cases.size() >= 9, "cases: " + cases.size());
        SecretScanner scanner = new SecretScanner();
        for (ReplayCase c : cases) {
            RedactionCounts counts = new RedactionCounts();
            String out = scanner.redact(c.input().get("text").asText(), counts);
            var expect = c.expectedOutput().orElseThrow();
            assertEquals(expect.get("text").asText(), out, c.id());
            assertEquals(expect.get("redactions").asText(), counts.format(), c.id());
        }
    }
}
