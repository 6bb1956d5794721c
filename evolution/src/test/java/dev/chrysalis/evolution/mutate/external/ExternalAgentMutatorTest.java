package dev.chrysalis.evolution.mutate.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.evolution.mutate.Mutation;
import dev.chrysalis.evolution.mutate.MutationRequest;
import dev.chrysalis.evolution.mutate.Operator;
import dev.chrysalis.evolution.mutate.Proposal;
import dev.chrysalis.evolution.mutate.Proposals;
import dev.chrysalis.evolution.support.ClampPlugin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External agents are real shell scripts here: what they see, what they may change, and how they are stopped. */
class ExternalAgentMutatorTest {
    @TempDir
    Path temp;

    MutationRequest request() {
        return ClampPlugin.request(temp.resolve("maa"));
    }

    Path script(String body) throws Exception {
        Path s = temp.resolve("agent-" + Math.abs(body.hashCode()) + ".sh");
        Files.writeString(s, "#!/bin/sh\n" + body);
        s.toFile().setExecutable(true);
        return s;
    }

    ExternalAgentMutator agent(String body, Duration timeout) throws Exception {
        return new ExternalAgentMutator(ExternalAgentSettings.of(List.of("/bin/sh", script(body).toString(), "{prompt}"))
                .withTimeout(timeout).withScratch(temp.resolve("scratch")));
    }

    Proposal runOnce(ExternalAgentMutator agent) {
        Proposals ps = agent.propose(request());
        assertTrue(ps.hasNext());
        Proposal p = ps.next();
        assertFalse(ps.hasNext(), "one run per node");
        return p;
    }

    String rejection(Proposal p) {
        Proposal.Rejected r = assertInstanceOf(Proposal.Rejected.class, p, () -> "expected a rejection, got " + p);
        assertEquals("external-agent", r.mutator());
        assertEquals(Operator.EXTERNAL_AGENT, r.operator());
        return r.reason();
    }

    void assertScratchRemoved() throws Exception {
        try (Stream<Path> s = Files.list(temp.resolve("scratch"))) {
            assertEquals(List.of(), s.toList(), "the worktree copy is removed after the run");
        }
    }

    @Test
    void anAgentThatReadsThePromptAndEditsTheLocatedFileMakesTheCandidate() throws Exception {
        // a tiny "agent": finds the file the prompt names and fixes the off-by-one there
        ExternalAgentMutator agent = agent("""
                file=$(sed -n 's/^File \\(src\\/main\\/java\\/.*\\.java\\):$/\\1/p' "$1" | head -n 1)
                grep -q 'expected: output {"value":3}' "$1" || exit 7
                sed -i 's/return v + 1;/return v;/' "$file"
                echo "fixed $file"
                """, Duration.ofSeconds(20));
        Proposal.Rewrite w = assertInstanceOf(Proposal.Rewrite.class, runOnce(agent));
        Mutation m = w.mutation();
        assertEquals(Operator.EXTERNAL_AGENT, m.operator());
        assertEquals(Map.of(ClampPlugin.FILE, ClampPlugin.SOURCE.replace("return v + 1;", "return v;")), m.changes());
        assertEquals("Clamp.clamp", m.method());
        assertEquals(8, m.line());
        assertTrue(m.describe().startsWith("external-agent in Clamp.clamp (Clamp.java:8): sh changed Clamp.java"), m.describe());
        assertTrue(w.log().contains("fixed " + ClampPlugin.FILE), w.log());
        assertScratchRemoved();
    }

    @Test
    void theAgentSeesOnlyPathAScratchHomeAndLangNeverTheHostsSecrets() throws Exception {
        assertEquals("sk-test-not-a-real-key", System.getenv("CHRYSALIS_AGENT_TEST_SECRET"), "the build sets a stand-in secret");
        Proposal p = runOnce(agent("""
                echo "secret=[${CHRYSALIS_AGENT_TEST_SECRET}]"
                echo "home=$HOME"
                echo "pwd=$(pwd)"
                env | cut -d= -f1 | sort | tr '\\n' ' '
                exit 3
                """, Duration.ofSeconds(20)));
        String why = rejection(p);
        assertTrue(why.startsWith("exited with status 3 after "), why);
        assertTrue(why.contains("secret=[]"), why);
        String names = why.substring(why.lastIndexOf('\n') + 1).strip();
        Set<String> seen = Arrays.stream(names.split(" ")).collect(Collectors.toSet());
        // PWD, SHLVL, OLDPWD and _ are set by the shell itself
        assertTrue(Set.of("PATH", "HOME", "LANG", "PWD", "SHLVL", "OLDPWD", "_").containsAll(seen), names);
        String home = why.lines().filter(l -> l.startsWith("home=")).findFirst().orElseThrow().substring(5);
        String pwd = why.lines().filter(l -> l.startsWith("pwd=")).findFirst().orElseThrow().substring(4);
        assertTrue(home.startsWith(temp.resolve("scratch").toString()) && pwd.startsWith(temp.resolve("scratch").toString()), why);
        assertFalse(Files.exists(Path.of(home)), "the scratch home is gone with the copy");
        assertScratchRemoved();
    }

    @Test
    void aHangingAgentAndItsChildrenAreKilledAtTheTimeout() throws Exception {
        long t0 = System.nanoTime();
        Proposal p = runOnce(agent("""
                sleep 120 &
                echo "child $!"
                wait
                """, Duration.ofMillis(1500)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String why = rejection(p);
        assertTrue(why.startsWith("timed out after 1.5 s; the command and its children were killed"), why);
        long child = Long.parseLong(why.lines().filter(l -> l.startsWith("child ")).findFirst().orElseThrow().substring(6).strip());
        assertTrue(deadWithin(child, Duration.ofSeconds(5)), "the agent's child was killed too");
        assertTrue(ms < 15_000, "returned " + ms + " ms after start");
        assertScratchRemoved();
    }

    @Test
    void anInterruptedRunKillsTheAgentAndLeavesTheThreadInterruptedForTheLoop() throws Exception {
        ExternalAgentMutator agent = agent("echo started\nsleep 120\n", Duration.ofSeconds(60));
        AtomicReference<Proposal> got = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            got.set(runOnce(agent));
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        Thread.sleep(1500);
        t.interrupt();
        t.join(20_000);
        String why = rejection(got.get());
        assertTrue(why.startsWith("interrupted after ") && why.contains("the command and its children were killed"), why);
        assertTrue(stillInterrupted.get(), "the loop must still see the interrupt");
        assertScratchRemoved();
    }

    /** Whether the process is gone or a zombie (killed, waiting to be reaped) within the time. */
    static boolean deadWithin(long pid, Duration time) throws Exception {
        long end = System.nanoTime() + time.toNanos();
        do {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (h.isEmpty() || !h.get().isAlive() || !Files.exists(stat)) {
                return true;
            }
            String s = Files.readString(stat);
            if (s.substring(s.lastIndexOf(')') + 2).startsWith("Z")) {
                return true;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        return false;
    }

    @Test
    void changesOutsideTheJavaSourcesBinariesDeletionsAndLinksAreRejectedByName() throws Exception {
        String why = rejection(runOnce(agent("echo '<project><x/></project>' > pom.xml\nsed -i 's/v + 1/v/' " + ClampPlugin.FILE + "\n",
                Duration.ofSeconds(20))));
        assertTrue(why.startsWith("changed what it may not: changed pom.xml (only Java sources under src/main/java/ may change)"), why);
        why = rejection(runOnce(agent("printf 'CAFE\\000\\001' > src/main/java/dev/chrysalis/skill/clamp/Junk.java\n", Duration.ofSeconds(20))));
        assertTrue(why.contains("added src/main/java/dev/chrysalis/skill/clamp/Junk.java is not UTF-8 text"), why);
        why = rejection(runOnce(agent("mkdir -p target && echo x > target/Clamp.class\n", Duration.ofSeconds(20))));
        assertTrue(why.contains("added target/Clamp.class (only Java sources"), why);
        why = rejection(runOnce(agent("rm " + ClampPlugin.FILE + "\n", Duration.ofSeconds(20))));
        assertTrue(why.contains("deleted " + ClampPlugin.FILE), why);
        why = rejection(runOnce(agent("ln -s /etc/passwd src/main/java/dev/chrysalis/skill/clamp/P.java\n", Duration.ofSeconds(20))));
        assertTrue(why.contains("src/main/java/dev/chrysalis/skill/clamp/P.java is a symbolic link"), why);
        why = rejection(runOnce(agent("echo looked around\n", Duration.ofSeconds(20))));
        assertTrue(why.startsWith("exited 0 but changed no file; output:\nlooked around"), why);
        assertScratchRemoved();
    }

    @Test
    void outputIsKeptUpToItsBoundWithTheEndIntact() throws Exception {
        ExternalAgentMutator agent = new ExternalAgentMutator(ExternalAgentSettings.of(List.of("/bin/sh", script("""
                i=0; while [ $i -lt 5000 ]; do echo "line $i of chatter"; i=$((i+1)); done
                echo "the last words"; exit 1
                """).toString())).withMaxOutputBytes(1024).withScratch(temp.resolve("scratch")));
        String why = rejection(runOnce(agent));
        assertTrue(why.contains("line 0 of chatter") && why.contains("bytes of output omitted") && why.endsWith("the last words"), why);
        assertTrue(why.length() < 1400, "bounded: " + why.length());
    }
}
