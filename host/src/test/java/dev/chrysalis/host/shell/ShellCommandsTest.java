package dev.chrysalis.host.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.HostConfig;
import dev.chrysalis.host.cli.TestBundles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each shell command's mistakes get a helpful line and leave the shell running (one real host for all). */
class ShellCommandsTest {
    @TempDir
    static Path dataDir;
    private static HostControl host;

    @BeforeAll
    static void start() {
        host = HostControl.open(HostConfig.of(dataDir, TestBundles.provisioned()));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static String run(String... lines) {
        var text = new StringWriter();
        var commands = new ShellCommands(host, new PrintWriter(text));
        for (String line : lines) {
            assertEquals(ShellCommands.Next.CONTINUE, commands.execute(line), line);
        }
        return text.toString();
    }

    @Test
    void badBeforeAnyQuestionSaysThereIsNothingToFlag() {
        assertEquals("nothing to flag yet: ask something first, then /bad WHY if the answer is wrong\n", run("/bad wrong"));
        assertTrue(run("what is 1+1", "/bad").endsWith("usage: /bad [#ID] WHY   (say what was wrong, e.g. /bad 2+3*4 is 14, not 20)\n"));
    }

    @Test
    void badWithATurnNumberFlagsThatOlderTurnAndNamesBadNumbers() {
        var commands = new ShellCommands(host, new PrintWriter(new StringWriter()));
        commands.execute("what is 2+3*4");
        long older = host.evidence().recentTurns(1).getFirst().id();
        commands.execute("what is 1+1");
        long last = host.evidence().recentTurns(1).getFirst().id();
        assertEquals("flagged turn #" + older + " as evidence #" + older + " (blames calculator)\n",
                run("/bad #" + older + " wanted the steps shown"));
        assertTrue(host.evidence().turn(older).orElseThrow().isEvidence());
        assertTrue(!host.evidence().turn(last).orElseThrow().isEvidence(), "only the numbered turn is flagged");
        assertEquals("no turn #999999: /history lists the turns with their numbers\n", run("/bad #999999 wrong"));
        assertEquals("'#x1' is not a turn number: use /bad #ID WHY with an id from /history\n", run("/bad #x1 wrong"));
        assertTrue(run("/bad #" + older).startsWith("usage: /bad [#ID] WHY"));
    }

    @Test
    void missingArgumentsGetTheUsage() {
        assertEquals("usage: /swap NAME JAR   (e.g. /swap calculator ./calculator-1.0.1.jar)\n", run("/swap"));
        assertEquals("usage: /swap NAME JAR   (e.g. /swap calculator ./calculator-1.0.1.jar)\n", run("/swap calculator"));
        assertEquals("usage: /rollback NAME\n", run("/rollback"));
        assertTrue(run("/skill").startsWith("usage: /skill NAME   (skills: calculator"));
    }

    @Test
    void evolveNeedsAPluginNameAndNamesUnknownOnes() {
        assertTrue(run("/evolve").startsWith("usage: /evolve NAME"));
        // the workspace is created from the shipped sources on first use; an unknown plugin is then named
        String unknown = run("/evolve astrology");
        assertTrue(unknown.contains("created the evolution workspace"), unknown);
        assertTrue(unknown.contains("error: no evolvable plugin named 'astrology'; the workspace holds: calculator"), unknown);
        // a skill refusing its input is stored as evidence, but is no bug to evolve away
        String nothing = run("convert 5 km to parsecs", "/evolve units");
        assertTrue(nothing.contains("the skill refused its input (SKILL_ERROR)"), nothing);
        assertTrue(nothing.contains("nothing to evolve: no new evidence for units"), nothing);
    }

    @Test
    void unknownSkillsAndBadJarsAreNamed() throws Exception {
        assertTrue(run("/skill astrology").startsWith("no skill named 'astrology'; installed skills: calculator"));
        Path garbage = Files.writeString(dataDir.resolve("garbage.jar"), "not a zip");
        String refused = run("/swap calculator " + garbage);
        assertTrue(refused.startsWith("swap refused: jar " + garbage), refused);
        assertTrue(run("/swap astrology " + garbage).startsWith("swap refused: "));
        // the calculator still answers
        assertTrue(run("what is 6*7").contains("42"));
    }

    @Test
    void blankLinesDoNothingAndQuestionsWithQuotesAreAnswered() {
        assertEquals("", run("", "   "));
        assertTrue(run("what's 2^10").contains("1024"));
    }

    @Test
    void helpListsEveryCommandAndQuitEndsTheShell() {
        String help = run("/help");
        for (ShellCommands.Command c : ShellCommands.COMMANDS) {
            assertTrue(help.contains("  " + c.name()), c.name());
        }
        var commands = new ShellCommands(host, new PrintWriter(new StringWriter()));
        assertEquals(ShellCommands.Next.QUIT, commands.execute("/quit"));
        assertEquals(ShellCommands.Next.QUIT, commands.execute("  /exit "));
        assertTrue(run("/Skills").contains("did you mean /skills?"));
    }
}
