package dev.chrysalis.host.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.cli.ChrysalisCli;
import dev.chrysalis.host.cli.TestBundles;
import dev.chrysalis.host.evidence.EvidenceStore;
import dev.chrysalis.host.evidence.Failure;
import dev.chrysalis.host.evidence.FailureKind;
import dev.chrysalis.host.evidence.TurnRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code chrysalis shell} on a real pseudo-terminal, driven with keystrokes: a question answered by the
 * calculator skill, {@code /bad} recorded in the evidence store, tab completion and the history file.
 */
class AgentShellTerminalTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private List<String> shellCommand() {
        return List.of(TestBundles.javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dchrysalis.bundles=" + TestBundles.provisioned(), "-cp", TestBundles.classPath(),
                ChrysalisCli.class.getName(), "--data-dir", dataDir.toString(), "shell");
    }

    private static Path script() {
        return PseudoTerminal.scriptTool().orElseThrow(
                () -> new AssertionError("util-linux 'script' is needed to give the shell a pseudo-terminal"));
    }

    @Test
    void aQuestionIsAnsweredAndBadFlagsItAsEvidenceOnARealTerminal() throws Exception {
        try (var terminal = PseudoTerminal.start(script(), shellCommand(), Map.of())) {
            terminal.expect("Chrysalis shell:", WAIT);
            terminal.expect(AgentShell.PROMPT, WAIT);

            terminal.type("what is 2+3*4\r");
            String answer = terminal.expect(AgentShell.PROMPT, WAIT);
            assertTrue(answer.contains("14"), answer);

            terminal.type("/bad precedence is right but I wanted the steps\r");
            String flagged = terminal.expect(AgentShell.PROMPT, WAIT);
            assertTrue(flagged.contains("as evidence #"), flagged);

            // Tab completes a command, then a skill name
            terminal.type("/ski");
            terminal.type("\t");
            terminal.expect("/skill", WAIT);
            terminal.type(" calc\t");
            terminal.expect("calculator", WAIT);
            terminal.type("\r");
            String doc = terminal.expect(AgentShell.PROMPT, WAIT);
            assertTrue(doc.contains("name: calculator"), doc);

            // plugins that are not skills (the router) complete after /rollback
            terminal.type("/rollback harness-rou\t");
            terminal.expect("harness-router-default", WAIT);
            terminal.type("\r");
            String refused = terminal.expect(AgentShell.PROMPT, WAIT);
            assertTrue(refused.contains("rollback refused: plugin dev.chrysalis.harness.harness-router-default has no previous"
                    + " version"), refused);

            terminal.type("/evidense\r");
            String unknown = terminal.expect(AgentShell.PROMPT, WAIT);
            assertTrue(unknown.contains("unknown command '/evidense'; did you mean /evidence?"), unknown);

            terminal.type("/history\r");
            String history = terminal.expect(AgentShell.PROMPT, WAIT);
            assertTrue(history.contains("you:       what is 2+3*4") && history.contains("[evidence]"), history);

            terminal.type("/quit\r");
            terminal.expect("bye", WAIT);
            assertEquals(0, terminal.waitFor(WAIT), terminal.transcript());
        }

        try (var store = EvidenceStore.open(dataDir)) {
            TurnRecord turn = store.recentTurns(1).getFirst();
            assertEquals("what is 2+3*4", turn.userMessage());
            assertEquals("calculator", turn.toolCalls().getFirst().skill());
            Failure flag = turn.failures().getFirst();
            assertEquals(FailureKind.USER_FLAG, flag.kind());
            assertEquals("precedence is right but I wanted the steps", flag.message());
            assertTrue(turn.bundles().stream().anyMatch(b -> b.symbolicName().contains("calculator")), turn.bundles().toString());
        }
        List<String> history = Files.readAllLines(dataDir.resolve(AgentShell.HISTORY_FILE));
        assertTrue(history.stream().anyMatch(l -> l.endsWith("what is 2+3*4")), history.toString());
    }

    @Test
    void aDumbTerminalStillAnswersAndQuitsOnEndOfInput() throws Exception {
        try (var terminal = PseudoTerminal.start(script(), shellCommand(), Map.of("TERM", "dumb"))) {
            terminal.expect(AgentShell.PROMPT, WAIT);
            terminal.type("convert 5 km to m\r");
            String answer = terminal.expect(AgentShell.PROMPT, WAIT);
            assertTrue(answer.contains("5000"), answer);
            terminal.type("\u0004"); // Ctrl-D
            terminal.expect("bye", WAIT);
            assertEquals(0, terminal.waitFor(WAIT), terminal.transcript());
        }
    }

    @Test
    void pipedInputIsReadLineByLineWithoutATerminal() throws Exception {
        Process shell = new ProcessBuilder(shellCommand()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (var keys = shell.getOutputStream()) {
            keys.write("what is 2+3*4\n/bad the precedence looked off\n/evidence\n/frobnicate\n/quit\nwhat is 1+1\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        String shown = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(shell.waitFor(60, TimeUnit.SECONDS), shown);
        assertEquals(0, shell.exitValue(), shown);
        List<String> lines = shown.lines().toList();
        // no prompt, no banner: only what each line produced
        assertEquals(4, lines.size(), shown);
        assertEquals("2+3*4 = 14", lines.get(0));
        assertTrue(lines.get(1).startsWith("flagged turn #1 as evidence #1 (blames calculator)"), shown);
        assertTrue(lines.get(2).startsWith("#1 ") && lines.get(2).contains("the precedence looked off"), shown);
        assertTrue(lines.get(3).startsWith("unknown command '/frobnicate'"), shown);
        try (var store = EvidenceStore.open(dataDir)) {
            // nothing after /quit ran
            assertEquals(1, store.recentTurns(10).size());
        }
    }
}
