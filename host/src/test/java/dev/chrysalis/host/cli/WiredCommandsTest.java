package dev.chrysalis.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chrysalis.host.bench.BenchBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WiredCommandsTest {
    @TempDir
    Path tmp;

    private String data() {
        return tmp.resolve("data").toString();
    }

    @Test
    void trialReplaysCasesInTheSandboxFromTheHostsOwnCopyOfTheWorkerRuntime() throws Exception {
        Path cases = tmp.resolve("calculator").resolve("cases.jsonl");
        Files.createDirectories(cases.getParent());
        Files.writeString(cases, """
                {"id":"right","skill":"calculator","input":{"expression":"2+3*4"},"expect":{"expression":"2+3*4","value":"14","exact":true}}
                {"id":"wrong","skill":"calculator","input":{"expression":"2+3*4"},"expect":{"expression":"2+3*4","value":"20","exact":true}}
                """);
        CliRun trial = CliRun.of("trial", "--bundle", TestBundles.calculatorJar().toString(), "--cases", cases.toString(),
                "--runs", "1");
        assertEquals(1, trial.status(), trial.toString());
        assertTrue(trial.out().lines().anyMatch(l -> l.startsWith("right") && l.contains("pass")), trial.toString());
        assertTrue(trial.out().lines().anyMatch(l -> l.startsWith("wrong") && l.contains("fail")), trial.toString());
        assertTrue(trial.out().contains("verdict: FAIL"), trial.toString());

        CliRun missing = CliRun.of("trial", "--bundle", TestBundles.calculatorJar().toString());
        assertEquals(2, missing.status(), missing.toString());
        assertTrue(missing.err().contains("missing --cases"), missing.toString());
        CliRun unknownBench = CliRun.of("bench", "nothing");
        assertEquals(2, unknownBench.status(), unknownBench.toString());
        assertTrue(unknownBench.err().contains("'bench trial'"), unknownBench.toString());
    }

    @Test
    void evidenceReplayTrialsTheLiveSkillAgainstTheRecordedCallsOfATurn() {
        CliRun ask = CliRun.of("--data-dir", data(), "ask", "what is 2+3*4");
        assertEquals(0, ask.status(), ask.toString());
        CliRun replay = CliRun.of("--data-dir", data(), "evidence", "replay", "1", "--runs", "1");
        assertEquals(0, replay.status(), replay.toString());
        assertTrue(replay.out().contains("evidence #1: 1 recorded call(s) of calculator against live"), replay.toString());
        assertTrue(replay.out().contains("turn-1-call-0") && replay.out().contains("verdict: PASS"), replay.toString());
        CliRun none = CliRun.of("--data-dir", data(), "evidence", "replay", "99");
        assertTrue(none.failedWith(1, "no evidence or turn with id 99"), none.toString());
    }

    @Test
    void governanceCommandsUseTheHostDataDirectory() throws Exception {
        Path password = tmp.resolve("password.txt");
        Files.writeString(password, "correct-horse-battery\n");
        CliRun add = CliRun.of("--data-dir", data(), "user", "add", "alice", "--role", "approver,admin",
                "--password-file", password.toString());
        assertEquals(0, add.status(), add.toString());
        // --data-dir after the subcommand's words reaches the same place
        CliRun list = CliRun.of("user", "list", "--data-dir", data());
        assertEquals(0, list.status(), list.toString());
        assertTrue(list.out().contains("alice") && list.out().contains("approver"), list.toString());
        assertTrue(Files.isDirectory(tmp.resolve("data").resolve("governance")), "governance data under the host's data dir");

        CliRun verify = CliRun.of("--data-dir", data(), "audit", "verify");
        assertEquals(0, verify.status(), verify.toString());
        assertTrue(verify.out().contains("intact"), verify.toString());
        CliRun log = CliRun.of("--data-dir", data(), "audit", "log");
        assertEquals(0, log.status(), log.toString());
        assertTrue(log.out().contains("alice"), log.toString());

        CliRun scan = CliRun.of("policy", "scan", TestBundles.calculatorJar().toString());
        assertEquals(0, scan.status(), scan.toString());
        assertTrue(scan.out().contains("calculator"), scan.toString());
        CliRun bad = CliRun.of("policy", "frobnicate");
        assertTrue(bad.status() != 0, bad.toString());
    }

    @Test
    void directoryCommandsWorkUnderTheHostDataDirectory() {
        CliRun keygen = CliRun.of("--data-dir", data(), "directory", "keygen", "publisher", "--trust", "--tier", "core");
        assertEquals(0, keygen.status(), keygen.toString());
        CliRun publish = CliRun.of("--data-dir", data(), "directory", "publish", TestBundles.calculatorJar().toString());
        assertEquals(0, publish.status(), publish.toString());
        assertTrue(publish.out().contains("published "), publish.toString());
        assertTrue(Files.isRegularFile(tmp.resolve("data").resolve("directory").resolve("index.json")), publish.toString());

        CliRun search = CliRun.of("directory", "search", "calculator", "--data-dir", data());
        assertEquals(0, search.status(), search.toString());
        assertTrue(search.out().contains("calculator"), search.toString());
        CliRun verify = CliRun.of("--data-dir", data(), "directory", "verify");
        assertEquals(0, verify.status(), verify.toString());
        CliRun usage = CliRun.of("--data-dir", data(), "directory", "nonsense");
        assertEquals(2, usage.status(), usage.toString());
    }

    @Test
    void aDirectoryInstallOfANewPluginIsStartedByTheHostAndARemoveTakesItAway() throws Exception {
        Path jar = BenchBundles.write(Files.createDirectories(tmp.resolve("pub")), "1.0.0");
        assertEquals(0, CliRun.of("--data-dir", data(), "directory", "keygen", "publisher", "--trust", "--tier", "core").status());
        CliRun publish = CliRun.of("--data-dir", data(), "directory", "publish", jar.toString());
        assertEquals(0, publish.status(), publish.toString());

        CliRun install = CliRun.of("--data-dir", data(), "directory", "install", BenchBundles.SYMBOLIC_NAME);
        assertEquals(0, install.status(), install.toString());
        assertTrue(install.out().contains("runtime: " + BenchBundles.SYMBOLIC_NAME + " 1.0.0: recorded as the live version"),
                install.toString());
        CliRun skills = CliRun.of("--data-dir", data(), "skills", "list");
        assertTrue(skills.out().lines().anyMatch(l -> l.startsWith(BenchBundles.SKILL + " ")), skills.toString());
        CliRun again = CliRun.of("--data-dir", data(), "directory", "install", BenchBundles.SYMBOLIC_NAME);
        assertEquals(1, again.status(), again.toString());

        CliRun remove = CliRun.of("--data-dir", data(), "directory", "remove", BenchBundles.SYMBOLIC_NAME);
        assertEquals(0, remove.status(), remove.toString());
        assertTrue(remove.out().contains("removed; the host no longer starts it"), remove.toString());
        CliRun after = CliRun.of("--data-dir", data(), "skills", "list");
        assertTrue(after.out().lines().noneMatch(l -> l.startsWith(BenchBundles.SKILL + " ")), after.toString());
        assertTrue(after.out().lines().anyMatch(l -> l.startsWith("calculator ")), after.toString());
    }

    @Test
    void serveRefusesABadPortInOneLine() {
        CliRun serve = CliRun.of("--data-dir", data(), "serve", "--port", "70000");
        assertTrue(serve.failedWith(1, "--port must be 0..65535, got 70000"), serve.toString());
    }
}
